"""Lab content without tells: the option a student picks from does not give itself away
by its length or an explanation, and the instructor notes do not mark the right option."""

from mlsysim_lab.cli import main
from mlsysim_lab.grading.scenario import all_scenarios
from mlsysim_lab.grading.specs import all_labs

LABS = [lab for lab in all_labs() if lab.id.startswith("lab")]
CHOICES = [(lab, item) for lab in LABS for item in lab.items if getattr(item, "options", None)]


def test_option_texts_are_short_names_without_explanations():
    for lab, item in CHOICES:
        for option in item.options:
            assert ": " not in option.text and " because " not in option.text, (lab.id, option)
            assert len(option.text) <= 60, (lab.id, item.name, option.text)


def test_the_right_option_is_not_the_longest_more_often_than_chance():
    longest = 0
    chance = 0.0
    for lab, item in CHOICES:
        scenarios = all_scenarios(lab.scenario)
        for scenario in scenarios:
            key = item.key_value(scenario)
            texts = {option.label: option.text for option in item.options}
            longest += all(len(texts[key]) > len(t) for label, t in texts.items() if label != key) \
                / len(scenarios)
        chance += 1 / len(item.options)
    assert longest <= chance + 0.1 * len(CHOICES), (longest, chance)


def test_notes_list_misconceptions_without_marking_the_right_option(capsys):
    for lab, item in CHOICES[:10]:
        assert main(["labs", "notes", lab.id]) == 0
        notes = capsys.readouterr().out
        for option in item.options:
            assert f"`{option.label}`: {option.text}\n" in notes


def test_answer_hints_name_the_form_never_a_value():
    import re

    for lab in LABS:
        for item in lab.items:
            if item.predictable and not item.choices:
                assert not re.search(r"(?<![A-Za-z])\d", item.answer_form()), (lab.id, item.name,
                                                                   item.answer_form())
