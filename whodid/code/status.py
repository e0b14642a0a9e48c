"""Decide whether an event is said to have happened: negation, modality, future and
conditions in the trigger's own clause. Alleged and denied come from the embedding
(an accusation or a denial around the trigger) and are set by the coder."""

from __future__ import annotations

from spacy.tokens import Token

from whodid.code.roles import clause_head
from whodid.code.wordlists import WORDS, Section

LISTS = Section("status",  # whodid/data/words.yaml, read on first use
                future_aux=WORDS,
                hypothetical_aux=WORDS,
                future_governors=WORDS,  # "plans to meet": future
                condition_marks=WORDS,
                alleged_markers=WORDS)


def modality(trigger: Token) -> str | None:
    """'future' or 'hypothetical' from the auxiliaries of the trigger's clause, ignoring
    negation ("will not meet" is future), else None."""
    for child in clause_head(trigger).children:
        if child.dep_ == "aux":
            if child.lower_ in LISTS.future_aux:
                return "future"
            if child.lower_ in LISTS.hypothetical_aux:
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
        if child.dep_ in ("amod", "advmod") and child.lower_ in LISTS.alleged_markers:
            return "alleged", f"marked '{child.text}'"
    clause = head
    if any(c.dep_ == "punct" and c.text == "?" for c in clause.children):
        return "hypothetical", "asked as a question"
    for child in clause.children:
        if child.dep_ == "mark" and child.lower_ in LISTS.condition_marks:
            return "hypothetical", f"condition '{child.text}'"
    anc = clause
    # a condition on the governing clause ("if it persists, it will face...") also counts
    while anc.dep_ in ("xcomp", "ccomp", "conj") and anc.head.i != anc.i:
        anc = anc.head
        if any(c.dep_ == "mark" and c.lower_ in LISTS.condition_marks for c in anc.children):
            return "hypothetical", "inside a condition"
    for child in clause.children:
        if child.dep_ == "aux":
            word = child.lower_
            if word in LISTS.future_aux:
                return "future", f"future '{child.text}'"
            if word == "would" and clause.dep_ == "ccomp" and clause.head.tag_ == "VBD":
                # "announced it would free ...": the future of a past report
                return "future", f"reported future '{child.text}'"
            if word in LISTS.hypothetical_aux:
                return "hypothetical", f"modal '{child.text}'"
    if clause.dep_ == "xcomp" and clause.head.lemma_ in LISTS.future_governors:
        gov = clause.head
        if gov.lemma_ != "go" or any(c.dep_ == "aux" and c.tag_ == "TO" for c in clause.children):
            return "future", f"'{gov.text} to'"
    if any(c.dep_ == "advcl" and c.lower_ == "if" for c in clause.children):
        return "hypothetical", "conditional"
    return "asserted", ""
