"""Coreference: pronouns, descriptions and speakers, on short texts written for these tests,
and the ranking rules of whodid.code.coreference on their own."""

from __future__ import annotations

import pytest
from conftest import resolve_mention as resolve

from whodid.code.coreference import Discourse, Mention, gender_of, profile

LOPES = "Mrs Ana Lopes, the Angolan trade minister, met Mr Joao Dias, a Zambian banker. "
# (text, word, occurrence, expected name of the referent, code, sector)
CASES = [
    # he/she: the latest person, a subject preferred
    ("Chilean Interior Minister Ana Ruiz met the strikers. She promised talks.", "She", 0,
     "Ana Ruiz", "CHL", "GOV"),
    ("Peruvian Foreign Minister Luis Vera met Colombian envoy Marta Gil. He thanked her.",
     "He", 0, "Luis Vera", "PER", "GOV"),
    # gender from a title or a kinship word decides between two people
    (LOPES + "She said the deal was close.", "She", 0, "Ana Lopes", "AGO", "GOV"),
    (LOPES + "He said the deal was close.", "He", 0, "Joao Dias", "ZMB", "BUS"),
    # binding: an object pronoun is not its own clause's subject
    ("Thai Prime Minister Somchai Wong welcomed Lao President Kham Sone. Wong praised him.",
     "him", 0, "Kham Sone", "LAO", "GOV"),
    # it: a state or an organisation
    ("Norway expelled two diplomats. It said they had spied.", "It", 0, "Norway", "NOR", None),
    ("The World Health Organization issued a warning. It urged calm.", "It", 0,
     "World Health Organization", "UNO", "MED"),
    # they: a group first, a state or an organisation only when no group will do
    ("Colombian police raided the farm. They seized two tons of cocaine.", "They", 0,
     "Colombia", "COL", "COP"),
    ("Mexico recalled its ambassador. They said the insult was grave.", "They", 0, "Mexico",
     "MEX", None),
    # possessive: the clause's own subject when it agrees in number ...
    ("Sudanese rebels laid down their arms.", "their", 0, "Sudan", "SDN", "REB"),
    ("Ghana recalled its ambassador.", "its", 0, "Ghana", "GHA", None),
    # ... and an earlier plural group when the subject is singular
    ("Syrian rebels asked for help. The European Union invited their commanders to Brussels.",
     "their", 0, "Syria", "SYR", "REB"),
    # reflexive: the subject of its clause
    ("The Iraqi army redeployed itself near the border.", "itself", 0, "Iraq", "IRQ", "MIL"),
    # speakers: "he added" is the last speaker
    (("Kenyan Interior Minister Paul Otieno met Ugandan envoy John Okello. Otieno said the "
      "border would open. He added that trade would resume."), "He", 0, "Paul Otieno", "KEN",
     "GOV"),
    # first person inside reported speech: the speaker
    ('"We will not retreat," Ukrainian Defence Minister Oleh Kovalenko said.', "We", 0,
     "Oleh Kovalenko", "UKR", "GOV"),
    # descriptions
    ("The Polish defence ministry denied the report. The ministry said no jets flew.",
     "ministry", 1, "Poland", "POL", "GOV"),
    ("Venezuelan officials closed the crossing. The officials said it was temporary.",
     "officials", 1, "Venezuela", "VEN", "GOV"),
    ("Finland applied to join NATO. The country had been neutral for decades.", "country", 0,
     "Finland", "FIN", None),
    ("Hamas fired rockets at Israel. The group said it was retaliating.", "group", 0, "Hamas",
     "PSE", "REB"),
    ("Bolivian Economy Minister Rosa Mamani resigned. The official cited health reasons.",
     "official", 0, "Rosa Mamani", "BOL", "GOV"),
]


@pytest.mark.parametrize(("text", "word", "nth", "name", "code", "sector"), CASES,
                         ids=[f"{c[1]}:{c[0][:40]}" for c in CASES])
def test_reference(nlp, resolver, text, word, nth, name, code, sector):
    entity = resolve(nlp, resolver, text, word, nth)
    assert (entity.name, entity.code, entity.sector) == (name, code, sector), entity
    assert entity.why


def test_no_referent_says_what_was_looked_for(nlp, resolver):
    entity = resolve(nlp, resolver, "It rained all day in the capital.", "It")
    assert entity.code is None and "no org/state" in entity.why
    we = resolve(nlp, resolver, "We went home.", "We")
    assert we.code is None and "outside reported speech" in we.why


def test_profiles_and_gender():
    assert profile("she").gender == "f" and profile("she").kinds == {"person"}
    assert profile("their").plural is True and "group" in profile("their").kinds
    assert profile("the") is None
    assert gender_of(["Mrs", "Ana", "Lopes"]) == "f"
    assert gender_of(["the", "spokesman"]) == "m"
    assert gender_of(["Ana", "Lopes"]) is None  # names alone are not guessed
    assert gender_of(["the", "son", "of", "the", "queen"]) is None  # conflicting words


def test_ranking_prefers_near_subjects_and_speakers(nlp):
    doc = nlp("Ana met Bruno. Carla spoke. He left.")
    d = Discourse(sent_starts=[0, 4, 7])
    bruno = Mention(2, 0, "Bruno", "BRA", "GOV", "Bruno", "person", False, gender="m")
    ana = Mention(0, 0, "Ana", "ARG", "GOV", "Ana", "person", True, main=True)
    carla = Mention(4, 1, "Carla", "CHL", "GOV", "Carla", "person", True, main=True,
                    speaker=True, gender="f")
    d.mentions = [ana, bruno, carla]
    he = doc[7]
    # Carla is nearest but female; in sentence 0 the subject Ana (gender unknown) wins
    assert d.antecedent(he, lambda m: True, profile("he")) is ana
    # a position the syntax forbids is skipped
    assert d.antecedent(he, lambda m: True, profile("he"), blocked={0}) is bruno
    # without agreement the nearest sentence wins, and a speaker when asked
    assert d.antecedent(he, lambda m: True, None, speaker=True) is carla


def test_demo_article_he_added_is_kwon(nlp, resolver):
    from pathlib import Path

    article = (Path(__file__).resolve().parents[2] / "shared" / "data" / "examples"
               / "pyongyang-wagner.txt")
    if not article.exists():
        pytest.skip(f"{article} is absent (third-party text is never copied into the project)")
    doc = nlp(article.read_text(encoding="utf-8"))
    memory = resolver.new_document(doc)
    for sent in doc.sents:
        resolver.observe(sent, memory)
    he = next(t for t in doc if t.text == "He" and t.nbor(1).text == "added")
    entity = resolver.resolve(he, memory)
    assert (entity.name, entity.code, entity.sector) == ("Kwon Jong Gun", "PRK", "GOV")


def test_we_in_a_quote_attributed_in_another_sentence_is_its_speaker():
    """ "We" opens a quote whose speaker is named only at its end, a sentence later."""
    from whodid.api import code_text

    text = ("Kenya's president spoke to reporters in Nairobi on Monday.\n"
            '"We condemn the raid on our border post. We demand that Mogadishu stop arming '
            'the rebels," he said.')
    [condemn] = [e for e in code_text(text, "2024-03-15", rules_only=True)
                 if e.event == "ACCUSE"]
    assert condemn.text_info["sequence"] == 1  # the sentence without the speaker
    assert [a.code for a in condemn.actor] == ["KEN"]
    assert "in the speech of" in condemn.actor[0].why
