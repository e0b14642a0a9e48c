"""Self-written news-like text of any length, for the linearity benchmark and the fuzzer's
seeds: sentences built from templates over made-up and common names, with the kinds of words
the coder reads (event verbs, actors, dates, speech, pronouns, quotes). Seeded, so a size
always gives the same text."""

from __future__ import annotations

import random

ACTORS = [
    "Serbia", "Kosovo", "the United States", "Russia", "China", "Ukraine", "Germany", "France",
    "Turkey", "Iran", "Israel", "Egypt", "Kenya", "Somalia", "Brazil", "Japan", "India",
    "the Serbian government", "Kosovo police", "Russian troops", "Chinese diplomats",
    "the Ukrainian army", "French prosecutors", "Turkish officials", "the European Union",
    "the United Nations", "NATO", "rebel fighters", "opposition leaders", "farmers' unions",
    "President Arvel Tomsky", "Prime Minister Dana Holbrecht", "Foreign Minister Ilo Varga",
    "General Mirek Sattan", "the mayor of Easthaven", "protesters", "the central bank",
]
VERBS = [
    "accused {o} of {n}", "met {o} to discuss {n}", "attacked {o}", "criticised {o} over {n}",
    "imposed sanctions on {o}", "promised aid to {o}", "signed an agreement with {o}",
    "threatened {o}", "arrested members of {o}", "praised {o} for {n}", "rejected {o}'s offer",
    "expelled diplomats from {o}", "demanded that {o} end {n}", "negotiated with {o}",
    "shelled positions held by {o}", "protested against {o}", "denied that {o} had {n}",
    "offered to mediate between {o} and its neighbours", "welcomed {o}'s decision",
    "called on {o} to release the prisoners", "blamed {o} for {n}",
]
NOUNS = ["the border closure", "the attacks", "the trade dispute", "election fraud",
         "the detentions", "the water crisis", "corruption", "the ceasefire",
         "the grain exports", "the strike", "the new tariffs", "the airspace violations"]
WHEN = ["", "", " on Monday", " on Tuesday", " last week", " on 3 March", " in May 2024",
        " yesterday", " on Friday evening", " earlier this year"]
FRAMES = [
    "{s} {v}{w}.", "Officials said {s} {v}{w}.", "{s} reportedly {v}{w}.",
    "According to local media, {s} {v}{w}.", "{s} {v}{w}, a spokesperson said.",
    "\"We will not accept this,\" said {s}.", "He said {s} had {v}{w}.",
    "{s} did not {vb}.", "It was not clear whether {s} {v}.", "The talks ended without a deal.",
    "Markets fell sharply{w}.", "{s} and {s2} {v}{w}.",
]


def sentences(n: int, seed: int = 0) -> list[str]:
    """`n` sentences, the same for the same `n` and `seed`."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        s, s2, o = rng.sample(ACTORS, 3)
        verb = rng.choice(VERBS)
        v = verb.format(o=o, n=rng.choice(NOUNS))
        bare = verb.split()[0]
        vb = {"criticised": "criticise", "accused": "accuse", "met": "meet"}.get(bare, "comment")
        text = rng.choice(FRAMES).format(s=s, s2=s2, v=v, w=rng.choice(WHEN), vb=vb)
        out.append(text[0].upper() + text[1:])
    return out


def text(n: int, seed: int = 0, per_paragraph: int = 6) -> str:
    """`n` sentences as paragraphs of `per_paragraph` sentences."""
    sents = sentences(n, seed)
    paras = [" ".join(sents[i:i + per_paragraph]) for i in range(0, len(sents), per_paragraph)]
    return "\n\n".join(paras) + "\n"
