"""Layer-by-layer builders for the convolutional networks in the zoo.

The layer shapes follow the papers (and the torchvision reference implementations the
published parameter counts come from); parameters, MACs and activation traffic are then
summed over layers rather than typed in.
"""

from __future__ import annotations

from mlsysim_lab.catalog.models import ConvLayer


def _conv(name: str, cin: int, cout: int, kernel: int, size_in: int, stride: int = 1,
          groups: int = 1) -> ConvLayer:
    """A bias-free convolution followed by batch norm, 'same' padding."""
    return ConvLayer(name=name, in_channels=cin, out_channels=cout, kernel=kernel,
                     stride=stride, groups=groups, in_size=size_in,
                     out_size=-(-size_in // stride))


def _classifier(cin: int, classes: int) -> ConvLayer:
    """The final fully connected layer after global pooling, as a 1x1 conv on 1x1."""
    return ConvLayer(name="fc", in_channels=cin, out_channels=classes, kernel=1,
                     in_size=1, out_size=1, bias=True, batch_norm=False)


def resnet50_layers(image_size: int = 224, classes: int = 1000) -> tuple[ConvLayer, ...]:
    """ResNet-50 (He et al. 2016, Table 1) with the stride on the 3x3 conv (v1.5)."""
    layers = [_conv("conv1", 3, 64, 7, image_size, stride=2)]
    size = image_size // 4  # conv1 stride 2, then 3x3 max-pool stride 2
    channels = 64
    for stage, (blocks, width, stride) in enumerate(
            ((3, 64, 1), (4, 128, 2), (6, 256, 2), (3, 512, 2)), start=2):
        for block in range(blocks):
            s = stride if block == 0 else 1
            tag = f"conv{stage}_{block + 1}"
            layers += [
                _conv(f"{tag}.reduce", channels, width, 1, size),
                _conv(f"{tag}.3x3", width, width, 3, size, stride=s),
                _conv(f"{tag}.expand", width, 4 * width, 1, -(-size // s)),
            ]
            if block == 0:
                layers.append(_conv(f"{tag}.downsample", channels, 4 * width, 1, size,
                                    stride=s))
            channels, size = 4 * width, -(-size // s)
    layers.append(_classifier(channels, classes))
    return tuple(layers)


def mobilenet_v2_layers(image_size: int = 224, classes: int = 1000) -> tuple[ConvLayer, ...]:
    """MobileNetV2 (Sandler et al. 2018, Table 2): inverted residual bottlenecks with
    expansion t, output channels c, repeats n, first stride s."""
    layers = [_conv("conv1", 3, 32, 3, image_size, stride=2)]
    size, channels = -(-image_size // 2), 32
    settings = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
    for index, (expansion, out, repeats, stride) in enumerate(settings, start=1):
        for repeat in range(repeats):
            s = stride if repeat == 0 else 1
            hidden = channels * expansion
            tag = f"block{index}_{repeat + 1}"
            if expansion != 1:
                layers.append(_conv(f"{tag}.expand", channels, hidden, 1, size))
            layers += [
                _conv(f"{tag}.depthwise", hidden, hidden, 3, size, stride=s, groups=hidden),
                _conv(f"{tag}.project", hidden, out, 1, -(-size // s)),
            ]
            channels, size = out, -(-size // s)
    layers += [_conv("conv_last", channels, 1280, 1, size), _classifier(1280, classes)]
    return tuple(layers)
