"""Spans follow their words across an edit of the text (nlp.spans.SpanMap)."""

from nlp.spans import SpanMap, overlaps

OLD = "Ivan Petrov called about cigarettes in Varna; Petrov drives CA1234AB."


def span(text, words, nth=0):
    at = -1
    for _ in range(nth + 1):
        at = text.index(words, at + 1)
    return at, at + len(words)


def test_a_span_moves_with_text_inserted_before_it():
    new = "UPDATE 12 March: " + OLD
    moved = SpanMap(OLD, new).relocate(*span(OLD, "Varna"))
    assert moved == span(new, "Varna")


def test_a_span_survives_a_deletion_and_a_rewrite_around_it():
    new = "Petrov phoned about cheap cigarettes in Burgas; Petrov drives CA1234AB."
    spans = SpanMap(OLD, new)
    assert spans.relocate(*span(OLD, "CA1234AB")) == span(new, "CA1234AB")
    assert spans.relocate(*span(OLD, "cigarettes")) == span(new, "cigarettes")


def test_repeated_words_keep_the_occurrence_that_was_meant():
    new = "Note. " + OLD
    second = SpanMap(OLD, new).relocate(*span(OLD, "Petrov", nth=1))
    assert second == span(new, "Petrov", nth=1)


def test_words_that_are_gone_give_no_span():
    new = OLD.replace("Varna", "the port")
    assert SpanMap(OLD, new).relocate(*span(OLD, "Varna")) is None
    assert SpanMap(OLD, "").relocate(*span(OLD, "Varna")) is None


def test_never_points_at_other_words():
    new = "Varna" + OLD.replace("Varna", "Sofia")  # the word moved to the very start
    moved = SpanMap(OLD, new).relocate(*span(OLD, "Varna"))
    assert moved is not None and new[moved[0] : moved[1]] == "Varna"


def test_overlaps():
    assert overlaps((0, 5), (4, 9)) and not overlaps((0, 5), (5, 9))
