"""The learned layer: its view of a sentence, its features, stand-off annotations, training
on a few articles written for the test, and what the trained stage does in the pipeline."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from whodid.code.coder import Coder
from whodid.code.pipeline import DEFAULT_STAGES, RULE_STAGES
from whodid.learn import annotations
from whodid.learn.curve import best_f1, curve, nested_share
from whodid.learn.features import (
    Mention,
    RuleEvent,
    SentenceView,
    Tok,
    mention_features,
    sentence_features,
)
from whodid.learn.model import SHIPPED, EventModel, ModelFileError
from whodid.learn.stage import apply
from whodid.learn.train import SHARED, _fit_choice, collect, fit
from whodid.records import STATUSES


def tiny_view() -> SentenceView:
    # "Ruritania shelled Freedonia ." with a rule ASSAULT on "shelled"
    toks = [Tok("Ruritania", "ruritania", "PROPN", "NNP", "nsubj", 1, "GPE"),
            Tok("shelled", "shell", "VERB", "VBD", "ROOT", 1, ""),
            Tok("Freedonia", "freedonia", "PROPN", "NNP", "dobj", 1, "GPE"),
            Tok(".", ".", "PUNCT", ".", "punct", 1, "")]
    mentions = [Mention(0, "RUR", None, "state", "Ruritania", 0, 9),
                Mention(2, "FRE", None, "state", "Freedonia", 18, 27)]
    rules = [RuleEvent("ASSAULT", None, "asserted", 1, ("RUR",), ("FRE",))]
    return SentenceView(toks, mentions, rules, [(1, "ASSAULT")], 0)


def test_sentence_features_carry_words_syntax_and_what_the_rules_found() -> None:
    feats = sentence_features(tiny_view())
    for f in ("w=shell", "v=shell", "vo=shell|freedonia", "r=ASSAULT", "r=ASSAULT|asserted",
              "rt=ASSAULT|shell", "lx=ASSAULT", "ent=GPE", "coded=2"):
        assert f in feats


def test_mention_features_place_the_mention_against_the_trigger() -> None:
    view = tiny_view()
    subj = mention_features(view, view.mentions[0], "ASSAULT", 1, view.rules[0])
    obj = mention_features(view, view.mentions[1], "ASSAULT", 1, view.rules[0])
    assert "path=nsubj" in subj and "side=before" in subj and "rule_actor=True" in subj
    assert "path=dobj" in obj and "side=after" in obj and "rule_recipient=True" in obj
    assert "first=True" in subj and "first=False" in obj


def test_mention_features_say_who_speaks_the_words_the_event_is_in() -> None:
    # "Ruritania told Freedonia that the raid was unacceptable ." (ACCUSE at "unacceptable"),
    # and the same with "saw" for "told", which no one speaks
    def view(verb: str, lemma: str) -> SentenceView:
        toks = [Tok("Ruritania", "ruritania", "PROPN", "NNP", "nsubj", 1, "GPE"),
                Tok(verb, lemma, "VERB", "VBD", "ROOT", 1, ""),
                Tok("Freedonia", "freedonia", "PROPN", "NNP", "dative", 1, "GPE"),
                Tok("that", "that", "SCONJ", "IN", "mark", 6, ""),
                Tok("the", "the", "DET", "DT", "det", 5, ""),
                Tok("raid", "raid", "NOUN", "NN", "nsubj", 6, ""),
                Tok("was", "be", "AUX", "VBD", "ccomp", 1, ""),
                Tok("unacceptable", "unacceptable", "ADJ", "JJ", "acomp", 6, ""),
                Tok(".", ".", "PUNCT", ".", "punct", 1, "")]
        mentions = [Mention(0, "RUR", None, "state", "Ruritania", 0, 9),
                    Mention(2, "FRE", None, "state", "Freedonia", 15, 24)]
        return SentenceView(toks, mentions, [], [(7, "ACCUSE")], 0)

    told = view("told", "tell")
    speaker = mention_features(told, told.mentions[0], "ACCUSE", 7, None)
    addressee = mention_features(told, told.mentions[1], "ACCUSE", 7, None)
    assert "t=ACCUSE|speech=nsubj" in speaker and "t=ACCUSE|speech=dative" in addressee
    saw = view("saw", "see")
    assert not any(f.startswith("speech=") for f in
                   mention_features(saw, saw.mentions[0], "ACCUSE", 7, None))


def test_stand_off_annotations_keep_offsets_not_text(tmp_path: Path) -> None:
    text = "Ruritania shelled Freedonia. Freedonia protested."
    shared = tmp_path / "shared"
    (shared / "dev").mkdir(parents=True)
    (shared / "dev" / "a.jsonl").write_text(json.dumps({"id": "x", "text": text}) + "\n")
    article = {"id": "x", "text": text, "sentences": [{"i": 0, "start": 0, "end": 29},
                                                      {"i": 1, "start": 29, "end": 49}]}
    annotated = {"id": "x", "events": [{
        "s": 1, "event": "ACCUSE", "mode": None, "status": "asserted",
        "actor": [{"text": "Freedonia", "code": "FRE", "sector": None}],
        "recipient": [{"text": "Ruritania", "code": "RUR", "sector": None}],
        "claimant": [], "trigger": "protested"}]}
    row = annotations.stand_off(article, annotated, "dev/a.jsonl")
    assert "Freedonia" not in json.dumps(row)  # labels and offsets only
    event = row["events"][0]
    assert event["actor"][0]["start"] == 29  # found in its own sentence first
    assert event["recipient"][0]["start"] == 0  # else anywhere in the article
    path = tmp_path / "ann.jsonl"
    path.write_text(json.dumps(row) + "\n")
    [doc] = annotations.load(path, shared)
    assert doc["text"] == text
    assert doc["events"][0]["actor"][0]["text"] == "Freedonia"
    assert doc["events"][0]["recipient"][0]["code"] == "RUR"


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared beside the clone")
@pytest.mark.parametrize("folder", [annotations.FOLDER, annotations.FOLDER / "held"],
                         ids=["trained-on", "held"])
def test_project_annotations_load_with_their_spans_inside_the_articles(folder: Path) -> None:
    from whodid.code.lexicon import load_ontology

    types = set(load_ontology())
    docs = annotations.load_all(SHARED, folder)
    assert docs, f"no annotation files in {folder}"
    located = 0
    for doc in docs:
        n = len(doc["text"])
        spans = [(s["start"], s["end"]) for s in doc["sentences"]]
        assert all(0 <= a < b <= n for a, b in spans), doc["id"]
        for e in doc["events"]:
            assert e["event"] in types and 0 <= e["s"] < len(spans), (doc["id"], e)
            assert e["status"] in STATUSES, (doc["id"], e)
            for side in annotations.SIDES:
                for ent in e[side]:
                    if ent["start"] is not None:  # located in the article's own text
                        located += 1
                        assert 0 <= ent["start"] < ent["end"] <= n, (doc["id"], ent)
    assert located > len(docs)


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared beside the clone")
def test_marked_triggers_sit_inside_their_events_sentences() -> None:
    """The trigger offsets kept stand-off for news_train and news_dev land on a word of the
    sentence of the event they belong to, for all but the few events no word carries."""
    from whodid.measure.gold import load_gold

    for name in ("train/news_train.jsonl", "dev/news_dev.jsonl"):
        docs = load_gold(SHARED / name)
        events = sum(len(d["events"]) for d in docs)
        found = annotations.add_triggers(docs)
        assert found > 0.99 * events, (name, found, events)
        for doc in docs:
            for e in doc["events"]:
                t = e.get("trigger")
                if t is None or t["start"] is None:
                    continue
                sent = doc["sentences"][e.get("s") or 0]
                assert sent["start"] <= t["start"] < t["end"] <= sent["end"], (doc["id"], e)
                word = doc["text"][t["start"]:t["end"]]
                assert word.strip() == word and word[:1].isalnum(), (doc["id"], word)


# Six short articles written for this test: each reports a border "incursion", a word no
# lexicon entry knows, that the gold codes as ASSAULT by the first country against the second.
PAIRS = [("Ruritania", "RUR", "Freedonia", "FRE"), ("Kenya", "KEN", "Somalia", "SOM"),
         ("Peru", "PER", "Chile", "CHL"), ("Ghana", "GHA", "Togo", "TGO"),
         ("Nepal", "NPL", "Bhutan", "BTN"), ("Laos", "LAO", "Vietnam", "VNM")]


def incursion_docs() -> list[dict]:
    docs = []
    for i, (a, ac, b, bc) in enumerate(PAIRS):
        first = f"{a} staged an incursion into {b} on Monday."
        second = "The weather was mild in the capital."
        text = f"{first} {second}"
        at = first.index("incursion")
        events = [{"s": 0, "event": "ASSAULT", "mode": None, "status": "asserted",
                   "actor": [{"text": a, "code": ac, "sector": None}],
                   "recipient": [{"text": b, "code": bc, "sector": None}],
                   "claimant": [], "optional": False,
                   "trigger": {"start": at, "end": at + len("incursion")}}]
        docs.append({"id": f"d{i}", "text": text, "published": "2024-05-06",
                     "sentences": [{"i": 0, "start": 0, "end": len(first) + 1},
                                   {"i": 1, "start": len(first) + 1, "end": len(text)}],
                     "events": events})
    return docs


@pytest.fixture(scope="module")
def trained(nlp) -> EventModel:
    coder = Coder(nlp, stages=RULE_STAGES)
    return fit(collect(coder, incursion_docs()), {"C": 10.0})


def test_trained_stage_adds_what_the_rules_miss_and_says_why(nlp, trained) -> None:
    text = "Mali staged an incursion into Niger on Tuesday."
    rules = Coder(nlp, stages=RULE_STAGES)
    assert [e.event for e in rules.code(text, "2024-05-08")] == []
    coder = Coder(nlp, stages=RULE_STAGES)
    coder.add_stage(partial(apply, trained), after="merge")
    [event] = coder.code(text, "2024-05-08")
    assert event.event == "ASSAULT"
    assert [e.code for e in event.actor] == ["MLI"]
    assert [e.code for e in event.recipient] == ["NER"]
    assert "model: trigger 'incursion'" in event.why
    assert "actor: model chose 'Mali'" in event.why
    assert 0.4 < event.confidence <= 1.0
    assert event.date.date == "2024-05-07"
    # the sentence with nothing of the kind stays empty
    assert coder.code("The weather was mild in the capital.") == []


def test_weights_round_trip_and_a_broken_file_is_named(trained, tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    trained.save(path)
    again = EventModel.load(path)
    feats = ["w=incursion", "v=stage", "r=ASSAULT"]
    assert np.allclose(again.types.proba(feats), trained.types.proba(feats), atol=1e-3)
    assert again.settings == trained.settings
    assert again.mode.labels == trained.mode.labels
    path.write_bytes(b"not a model")
    with pytest.raises(ModelFileError, match="m.npz: cannot load the learned model"):
        EventModel.load(path)


def test_the_default_coder_runs_the_shipped_model_after_the_rules(nlp) -> None:
    assert SHIPPED.exists(), "the shipped weights are missing: run `make train`"
    coder = Coder(nlp)
    assert coder.stage_names == list(DEFAULT_STAGES)
    assert coder.stage_names.index("learned") == coder.stage_names.index("merge") + 1
    events = coder.code("Kenya accused Somalia on Sunday of arming the rebels.", "2024-03-15")
    assert {e.event for e in events} >= {"ACCUSE"}
    accuse = next(e for e in events if e.event == "ACCUSE")
    assert [e.code for e in accuse.actor] == ["KEN"]


def test_a_recipient_the_rules_found_but_could_not_code_stays(nlp) -> None:
    """The recipient model chooses among coded mentions; it says which is likelier, not
    whether any is, so it does not put the accuser in the place of "the rebels"."""
    events = Coder(nlp).code("Kenya accused Somalia on Sunday of arming the rebels.", "2024-03-15")
    aid = next(e for e in events if e.event == "AID")
    assert [e.code for e in aid.actor] == ["SOM"]
    assert [(e.code, e.sector) for e in aid.recipient] == [(None, "REB")]


def test_the_recipient_model_is_a_choice_among_the_mentions() -> None:
    """Fitted on groups of mentions with the right ones marked, it ranks by the features
    that mark them, and its probabilities are shares of one choice, whatever the order."""
    groups = [([["dep=nsubj", f"kind={k}"], ["dep=dobj", f"kind={k}"], ["dep=pobj"]],
               [False, True, False]) for k in ("state", "person", "group")] * 4
    groups += [([["dep=pobj", "t=CONSULT"], ["dep=nsubj", "t=CONSULT"]], [True, False])] * 4
    model = _fit_choice(groups, C=10.0)
    rows = [["dep=pobj"], ["dep=nsubj", "kind=state"], ["dep=dobj", "kind=state"]]
    p = model.choice(rows)
    assert int(np.argmax(p)) == 2 and p[2] > 0.6 and p.sum() == pytest.approx(1.0)
    q = model.choice(rows[::-1])
    assert np.allclose(q, p[::-1])
    pair = [["dep=nsubj", "t=CONSULT"], ["dep=pobj", "t=CONSULT"]]
    assert int(np.argmax(model.choice(pair))) == 1


def test_an_added_events_mode_is_the_mode_models_reading_of_its_words(nlp) -> None:
    """The mode model learns what a word's dependents say of the act: an incursion by air
    is aerial, one with tanks heavy weapons; the record says the mode is the model's."""
    docs = incursion_docs()
    for doc, (a, _, b, _) in zip(docs, PAIRS):
        how, mode = ("an air", "aerial") if int(doc["id"][1:]) % 2 else (
            "a tank", "heavy-weapons")
        first = f"{a} staged {how} incursion into {b} on Monday."
        doc["text"] = f"{first} The weather was mild in the capital."
        doc["sentences"] = [{"i": 0, "start": 0, "end": len(first) + 1},
                            {"i": 1, "start": len(first) + 1, "end": len(doc["text"])}]
        at = first.index("incursion")
        doc["events"][0].update(mode=mode, trigger={"start": at, "end": at + len("incursion")})
    model = fit(collect(Coder(nlp, stages=RULE_STAGES), docs), {"C": 10.0})
    coder = Coder(nlp, stages=RULE_STAGES)
    coder.add_stage(partial(apply, model), after="merge")
    for how, mode in (("an air", "aerial"), ("a tank", "heavy-weapons")):
        [event] = coder.code(f"Mali staged {how} incursion into Niger.", "2024-05-08")
        assert (event.event, event.mode) == ("ASSAULT", mode)
        assert f"mode: model {mode}" in event.why


def encroach_docs() -> list[dict]:
    """As incursion_docs, with the act a verb no lexicon entry knows ("encroached")."""
    docs = incursion_docs()
    for doc, (a, _, b, _) in zip(docs, PAIRS):
        first = f"{a} encroached on {b} on Monday."
        doc["text"] = f"{first} The weather was mild in the capital."
        doc["sentences"] = [{"i": 0, "start": 0, "end": len(first) + 1},
                            {"i": 1, "start": len(first) + 1, "end": len(doc["text"])}]
        at = first.index("encroached")
        doc["events"][0]["trigger"] = {"start": at, "end": at + len("encroached")}
    return docs


def test_beside_the_rules_an_added_event_needs_a_verb_of_its_own(nlp, trained) -> None:
    """Where the rules found an event, the model adds another only at a verb that is no rule
    event's trigger: a noun it rests on is mostly the topic or a participant of that event."""
    by_verb = fit(collect(Coder(nlp, stages=RULE_STAGES), encroach_docs()), {"C": 10.0})
    text = "Mali condemned Niger after Niger encroached on Mali on Tuesday."
    for model, kinds in ((by_verb, ["ACCUSE", "ASSAULT"]), (trained, ["ACCUSE"])):
        coder = Coder(nlp, stages=RULE_STAGES)
        coder.add_stage(partial(apply, model), after="merge")
        events = coder.code(text, "2024-05-08")
        assert sorted(e.event for e in events) == kinds
    coder = Coder(nlp, stages=RULE_STAGES)
    coder.add_stage(partial(apply, by_verb), after="merge")
    [assault] = [e for e in coder.code(text, "2024-05-08") if e.event == "ASSAULT"]
    assert assault.trigger["text"] == "encroached"
    assert [e.code for e in assault.actor] == ["NER"]
    # the incursion model's word is a noun: alone it adds, beside the accusation it does not
    coder = Coder(nlp, stages=RULE_STAGES)
    coder.add_stage(partial(apply, trained), after="merge")
    assert [e.event for e in coder.code("Mali staged an incursion into Niger.")] == ["ASSAULT"]
    assert "ASSAULT" not in [e.event for e in coder.code(
        "Mali condemned Niger after the incursion into Mali on Tuesday.", "2024-05-08")]


def test_a_group_named_by_its_kind_keeps_its_place_as_actor():
    """An uncoded actor the text names by its kind ("rebels", sector REB) is not replaced by
    a place the model half likes; a report or a decision in the actor's place would be."""
    from whodid.api import code_text

    [attack] = code_text("Rebels attacked army posts in Mali's north on Friday.", "2024-03-15")
    assert [a.entity_text for a in attack.actor] == ["Rebels"]


def test_the_learning_curve_counts_types_as_the_scorer_does() -> None:
    # two sentences, two types: the second sentence's type 1 is only optional
    required = np.array([[True, False], [False, False]])
    optional = np.array([[False, False], [False, True]])
    proba = np.array([[0.9, 0.1], [0.1, 0.95]])
    f1, _, p, r = best_f1(proba, required, optional)
    assert (f1, p, r) == (1.0, 1.0, 1.0)  # the optional type said is neither right nor wrong
    f1, *_ = best_f1(proba, required, np.zeros_like(optional))
    assert f1 < 1.0  # the same prediction against a gold without it is a false positive


def test_the_learning_curves_shares_are_nested() -> None:
    articles = list(range(200))
    quarter, half = nested_share(articles, 0.25), nested_share(articles, 0.5)
    assert set(quarter) < set(half) <= set(nested_share(articles, 1.0))
    assert 30 < len(quarter) < 70 and 80 < len(half) < 120


def test_the_learning_curve_learns_a_type_from_its_folds(nlp) -> None:
    dev = collect(Coder(nlp, stages=RULE_STAGES), incursion_docs())
    [half, full] = curve([], dev, [0.5, 1.0], {"C": 10.0})
    assert half["articles"] <= full["articles"] == 5  # the other four folds' articles
    assert full["F1"] == 1.0 and full["R"] == 1.0
