"""Decide whether an event is said to have happened: negation, modality, future and
conditions in the trigger's own clause. Alleged and denied come from the embedding
(an accusation or a denial around the trigger) and are set by the coder."""

from __future__ import annotations

from spacy.tokens import Token

from whodid.code.knowledge import words
from whodid.code.roles import clause_head

_WORDS = words("status")
FUTURE_AUX = _WORDS.words("future_aux")
HYPOTHETICAL_AUX = _WORDS.words("hypothetical_aux")
FUTURE_GOVERNORS = _WORDS.words("future_governors")  # "plans to meet": future
CONDITION_MARKS = _WORDS.words("condition_marks")
ALLEGED_MARKERS = _WORDS.words("alleged_markers")


def modality(trigger: Token) -> str | None:
    """'future' or 'hypothetical' from the auxiliaries of the trigger's clause, ignoring
    negation ("will not meet" is future), else None."""
    for child in clause_head(trigger).children:
        if child.dep_ == "aux":
            if child.lower_ in FUTURE_AUX:
                return "future"
            if child.lower_ in HYPOTHETICAL_AUX:
                return "hypothetical"
    return None


def own_status(trigger: Token) -> tuple[str, str]:
    """(status, why) from the trigger's own clause: negated, future, hypothetical or asserted."""
    head = clause_head(trigger)
    for tok in (trigger, head) if head.i != trigger.i else (trigger,):
        for child in tok.children:
            if child.dep_ == "neg" or child.dep_ == "det" and child.lower_ == "no":
                return "negated", f"negated by '{child.text}'"
    for child in trigger.children:
        if child.dep_ in ("amod", "advmod") and child.lower_ in ALLEGED_MARKERS:
            return "alleged", f"marked '{child.text}'"
    clause = head
    if any(c.dep_ == "punct" and c.text == "?" for c in clause.children):
        return "hypothetical", "asked as a question"
    for child in clause.children:
        if child.dep_ == "mark" and child.lower_ in CONDITION_MARKS:
            return "hypothetical", f"condition '{child.text}'"
    anc = clause
    # a condition on the governing clause ("if it persists, it will face...") also counts
    while anc.dep_ in ("xcomp", "ccomp", "conj") and anc.head.i != anc.i:
        anc = anc.head
        if any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in anc.children):
            return "hypothetical", "inside a condition"
    for child in clause.children:
        if child.dep_ == "aux":
            word = child.lower_
            if word in FUTURE_AUX:
                return "future", f"future '{child.text}'"
            if word == "would" and clause.dep_ == "ccomp" and clause.head.tag_ == "VBD":
                # "announced it would free ...": the future of a past report
                return "future", f"reported future '{child.text}'"
            if word in HYPOTHETICAL_AUX:
                return "hypothetical", f"modal '{child.text}'"
    if clause.dep_ == "xcomp" and clause.head.lemma_ in FUTURE_GOVERNORS:
        gov = clause.head
        if gov.lemma_ != "go" or any(c.dep_ == "aux" and c.tag_ == "TO" for c in clause.children):
            return "future", f"'{gov.text} to'"
    if any(c.dep_ == "advcl" and c.lower_ == "if" for c in clause.children):
        return "hypothetical", "conditional"
    return "asserted", ""
