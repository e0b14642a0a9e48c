"""Place mentions in a parsed sentence, and which of them says where an event happened.

A mention is a proper-noun phrase the gazetteer knows (the small model's NER misses many
places, "Kherson" comes out a PERSON, so the parse is read too), a type word with a
proper-noun modifier ("the Donetsk region"), "the capital" or "the country", or a demonym
before "waters"/"territory" ("Japanese waters"). A mention places an event when it sits in
a locative phrase ("in", "near", "outside" ...; "the city of X" counts as X) attached to the
event's trigger, to a noun the trigger governs ("an attack on a market in Kherson"), or to
the verb a nominal trigger is the object or subject of ("held talks in Seoul"); when it is
where a movement goes ("a visit to Kyiv"); when it modifies a nominal trigger ("the Kyiv
talks"); or when it is what a visit or a strike is aimed at ("visited Moscow", "shelled
Kherson"). Clauses of their own (reported speech, relative clauses, conjoined verbs) are not
crossed: "said in Beijing that X attacked Y" does not put the attack in Beijing."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from whodid.places.gazetteer import REGION_WORDS, Gazetteer, key

LOCATIVE = {"in", "at", "near", "outside", "inside", "across", "around", "within", "throughout",
            "along", "off", "over", "into", "onto", "on", "nearby", "beyond", "towards",
            "toward"}
# these name whom an act is aimed at as often as where ("called on", "pressure over")
WEAK_LOCATIVE = {"on", "over", "into", "onto", "toward", "towards"}
# verbs whose object is the place they happen at ("visited Moscow", "shelled Kherson")
PLACE_OBJECT_VERBS = {"visit", "tour", "attack", "strike", "hit", "shell", "bomb", "raid",
                      "storm", "invade", "enter", "capture", "seize", "occupy", "bombard",
                      "besiege", "target", "pound", "overrun", "retake", "liberate", "surround",
                      "blockade", "evacuate", "fly", "host"}
DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
              "central", "northeastern", "northwestern", "southeastern", "southwestern",
              "north-eastern", "north-western", "south-eastern", "south-western", "northeast",
              "northwest", "southeast", "southwest", "upper", "lower"}
# children that start a clause of its own: a place inside it is that clause's
OWN_CLAUSE = {"ccomp", "advcl", "relcl", "acl", "csubj", "parataxis", "xcomp", "conj", "pcomp"}
# a nominal event's own relative clause saying where it took place ("talks held in Doha")
OCCUR = {"hold", "take", "happen", "occur", "stage", "begin", "start", "unfold", "erupt",
         "convene", "organize", "organise", "end", "conclude"}
# how a nominal trigger hangs from the verb whose place it shares ("held talks in Seoul")
NOMINAL = {"dobj", "nsubj", "nsubjpass", "attr", "oprd"}
# "to" places a movement's event where it goes ("a visit to Kyiv", "travel to Honiara")
MOVEMENT = {"visit", "trip", "travel", "journey", "tour", "fly", "return", "go", "come",
            "head", "march", "move", "deploy", "arrive", "advance", "push", "pursue", "send",
            "dispatch", "ship"}
# "the city of Potosi", "the towns of Gafsa", "the province of Nampula"
PLACE_NOUNS = {"city", "town", "village", "province", "region", "district", "state", "area",
               "island", "port", "county", "capital", "towns", "cities", "villages",
               "districts", "provinces", "regions", "areas", "islands", "municipality"}
# a named thing with one of these heads is a site ("Tahrir Square", "Sheremetyevo airport"),
# placed by its owner ("Moscow's"), a place it is in, or the context
SITE_WORDS = {"airport", "square", "palace", "house", "avenue", "street", "road", "boulevard",
              "base", "stadium", "embassy", "consulate", "prison", "jail", "hospital", "bridge",
              "mosque", "church", "cathedral", "temple", "hotel", "university", "camp",
              "market", "shoal", "reef", "building", "headquarters", "crossing",
              "checkpoint", "compound", "garden", "gardens", "park", "station", "plant"}
# nouns of a part of a place: "on the South Lawn of the White House", "outskirts of Kyiv"
PART_NOUNS = {"front", "outskirts", "centre", "center", "heart", "suburbs", "edge", "gates",
              "streets", "grounds", "lawn", "steps", "entrance", "vicinity", "courtyard",
              "premises"}
# demonym + one of these is the country's own ground ("Japanese waters")
GROUND = {"waters", "territory", "airspace", "soil", "territorial", "land"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
NOT_PLACE_LABELS = {"DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY"}
DOUBTFUL_LABELS = {"PERSON", "ORG", "NORP"}  # often the small model's label for a town
# a name found only as a town's alternate name must be a big town's ("Kiev"; not "June", a
# French town's); one the tagger calls a person, a group or a nationality, a town of some
# size ("Honiara"; not "Morales", a Colombian village)
BIG, SIZEABLE = 100_000, 20_000


@dataclass
class Mention:
    """A place named in the sentence: its words as written (with a direction word, "northern
    Darfur"), the name looked up, the head token and whether a type word names a region."""

    text: str
    start: int
    end: int
    name: str
    head: Token
    region_hint: bool = False
    kind: str = "name"  # name | capital | country (the country/nation) | demonym | site
    code: str | None = None  # the country of a demonym


def place_entities(doc) -> dict[int, Span]:
    """Token index -> the place entity (GPE, LOC, FAC) it is part of, for a whole document
    (once: `Span.ents` goes through all of the document's entities each time)."""
    return {tok.i: ent for ent in doc.ents if ent.label_ in PLACE_LABELS for tok in ent}


def find_mentions(sent: Span, gaz: Gazetteer, people: frozenset[str] = frozenset(),
                  ents: dict[int, Span] | None = None) -> list[Mention]:
    """The place mentions of a sentence that the gazetteer knows (and "the capital", "the
    country", "Japanese waters"); `people` are name keys the document uses for persons,
    `ents` the document's place entities (`place_entities`)."""
    found: list[Mention] = []
    taken: set[int] = set()
    if ents is None:
        ents = place_entities(sent.doc)
    for tok in sent:
        if tok.i in taken:
            continue
        mention = _mention_at(tok, ents.get(tok.i), gaz)
        if mention is not None and key(mention.name) not in people:
            found.append(mention)
            taken.update(t.i for t in tok.doc.char_span(mention.start, mention.end,
                                                         alignment_mode="expand") or ())
    return sorted(found, key=lambda m: m.start)


def _mention_at(tok: Token, ent: Span | None, gaz: Gazetteer) -> Mention | None:
    known = _known_at(tok, ent, gaz)
    return known if known is not None else _site_at(tok)


def _site_at(tok: Token) -> Mention | None:
    """A named site the gazetteer lacks: proper nouns before a site word ("Revolution
    Square", "Hong Kong International Airport")."""
    if tok.lower_ not in SITE_WORDS or tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ in (
            "compound", "flat"):
        return None
    start = tok.i
    while start > tok.sent.start and tok.doc[start - 1].pos_ == "PROPN" and \
            tok.doc[start - 1].head.i in range(start, tok.i + 1):
        start -= 1
    if start == tok.i:
        return None
    span = tok.doc[start:tok.i + 1]
    return Mention(span.text, span.start_char, span.end_char, span.text, tok, kind="site")


def _known_at(tok: Token, ent: Span | None, gaz: Gazetteer) -> Mention | None:
    """A mention of a place the gazetteer knows, of "the capital", "the country" or a
    country's ground, whose last word is `tok`."""
    if ent is None and tok.pos_ not in ("PROPN", "NOUN"):
        return None
    if tok.lower_ in ("capital", "country", "nation") and tok.pos_ == "NOUN" and any(
            c.lower_ in ("the", "its") or c.dep_ == "poss" for c in tok.children):
        named = next((c for c in tok.children if c.dep_ in ("compound", "appos")
                      and c.pos_ == "PROPN" and gaz.lookup(c.text)), None)
        if named is not None:  # "the capital, Tunis": Tunis, placed where the capital is
            return Mention(named.text, named.idx, named.idx + len(named), named.text, tok)
        kind = "capital" if tok.lower_ == "capital" else "country"
        return Mention(tok.text, tok.idx, tok.idx + len(tok), "", tok, kind=kind)
    if tok.lower_ in GROUND and tok.pos_ == "NOUN":
        mod = next((c for c in tok.children if c.dep_ == "amod" and gaz.demonym(c.text)), None)
        if mod is not None:
            return Mention(tok.doc[mod.i:tok.i + 1].text, mod.idx, tok.idx + len(tok), mod.text,
                           tok, kind="demonym", code=gaz.demonym(mod.text))
    region_word = tok.lower_ in REGION_WORDS and tok.pos_ == "NOUN"
    if region_word:
        names = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if not names:
            return None
        first = min(names[0].left_edge.i, names[0].i)
        words = tok.doc[first:tok.i]
        name = words.text
        if not gaz.lookup(name) and not gaz.lookup(f"{name} {tok.text}"):
            return None
        return _with_direction(tok, first, tok.i + 1, name, region_hint=True)
    if ent is not None and tok.i == ent.end - 1:
        start, end = ent.start, ent.end
    elif (tok.pos_ == "PROPN" and tok.dep_ not in ("compound", "flat") and ent is None
          and tok.ent_type_ not in NOT_PLACE_LABELS):
        start = tok.i
        while start > tok.sent.start and tok.doc[start - 1].pos_ == "PROPN" and \
                tok.doc[start - 1].head.i in range(start, tok.i + 1):
            start -= 1
        end = tok.i + 1
    else:
        return None
    doc = tok.doc
    while start < end and doc[start].lower_ in ("the", "a"):
        start += 1
    if start >= end:
        return None
    name = doc[start:end].text
    if doc[end - 1].lower_.endswith("'s") or doc[end - 1].tag_ == "POS":
        return None
    places = gaz.lookup(name)
    if not places or _attributive(doc, end):
        return None
    if not any(key(p.name) == key(name) or p.population >= BIG
               or p.precision in ("country", "region") for p in places):
        return None
    if doc[end - 1].ent_type_ in DOUBTFUL_LABELS and not any(
            p.population >= SIZEABLE or p.precision in ("country", "region") for p in places):
        return None
    return _with_direction(doc[end - 1], start, end, name)


def _attributive(doc, end: int) -> bool:
    """ "the Doha-based network", "the US-drafted resolution": a place describing a thing,
    not placing an act."""
    return end + 1 < len(doc) and doc[end].text == "-" and (doc[end + 1].lower_ in (
        "based", "led", "backed", "born", "funded", "linked", "bound", "made")
        or doc[end + 1].tag_ == "VBN" or doc[end + 1].lower_.endswith("ed"))


def _with_direction(head: Token, start: int, end: int, name: str,
                    region_hint: bool = False) -> Mention:
    doc = head.doc
    if start > head.sent.start and doc[start - 1].lower_ in DIRECTIONS:
        start -= 1
    span = doc[start:end]
    return Mention(span.text, span.start_char, span.end_char, name, head, region_hint)


TIME_CLAUSE = {"when", "as", "upon", "after", "while"}


def _arrival(clause: Token) -> bool:
    """ "(detained) when he flew back to Russia", "as he left his home in Saqez": the act
    happened where the movement of its time clause went or started."""
    return clause.dep_ == "advcl" and clause.lemma_.lower() in MOVEMENT | {"land", "leave"} \
        and any(c.dep_ in ("mark", "advmod") and c.lower_ in TIME_CLAUSE for c in clause.children)


def _clause_nodes(trigger: Token) -> dict[int, int]:
    """Tokens of the trigger's own phrase and clause -> their distance from the trigger."""
    dist = {trigger.i: 0}
    stack = [(trigger, 0)]
    while stack:  # down, not into clauses of their own nor (but for a movement) into whom
        tok, d = stack.pop()  # an act goes to ("pledged aid to returnees in X")
        for child in tok.children:
            if child.dep_ in OWN_CLAUSE and child.pos_ in ("VERB", "AUX") and not (
                    tok.i == trigger.i and child.dep_ in ("relcl", "acl")
                    and child.lemma_.lower() in OCCUR) and not _arrival(child):
                continue  # but "the meeting, held in Asmara": where the meeting was
            if tok.lemma_.lower() not in MOVEMENT and (
                    child.dep_ == "dative" or child.lower_ == "to" and child.dep_ == "prep"):
                continue
            if child.i not in dist:
                dist[child.i] = d + 1
                stack.append((child, d + 1))
    if trigger.dep_ in NOMINAL and trigger.head.i != trigger.i:  # a noun's verb
        dist.setdefault(trigger.head.i, 1)
    elif trigger.dep_ == "pobj" and trigger.head.lower_ == "of":  # "hours of gunfire in X"
        dist.setdefault(trigger.head.head.i, 1)
    return dist


def _phrase_head(m: Mention) -> Token:
    """The head of the phrase the mention is an apposition or conjunct in ("the capital,
    Tunis"; "Nasua, Mitaka and Manika")."""
    head = m.head
    while head.dep_ in ("appos", "conj") and head.head.i != head.i:
        head = head.head
    return head


def _anchor(m: Mention) -> tuple[Token, str] | None:
    """Where the mention hangs and how: (token, "locative" | "modifier" | "object")."""
    head = _phrase_head(m)
    if (head.dep_ == "pobj" and head.head.lower_ == "of" and (
            head.head.head.lower_ in PLACE_NOUNS | PART_NOUNS)):
        head = head.head.head  # "in the city of Potosi", "on the lawn of the White House"
    elif head.dep_ == "poss" and m.kind == "name" and head.head.lower_ != "capital" and (
            head.head.lower_ in PLACE_NOUNS | PART_NOUNS | DIRECTIONS):
        head = head.head  # "in Iran's main cities", "in Mali's north"
    if head.dep_ == "pobj":
        where = head.head.head
        if where.dep_ == "advmod" and where.head.pos_ == "VERB":  # "flew back to Russia"
            where = where.head
        if head.head.lower_ in LOCATIVE or head.head.lower_ == "to" and \
                where.lemma_.lower() in MOVEMENT:
            return where, "locative"
    if head.dep_ in ("compound", "nmod") and head.head.pos_ == "NOUN" and m.kind == "name":
        return head.head, "modifier"
    if head.dep_ in ("dobj", "nsubjpass") and head.head.lemma_.lower() in PLACE_OBJECT_VERBS:
        return head.head, "object"
    if head.dep_ == "npadvmod" and head.head.pos_ == "VERB":  # parsed as an adverbial noun
        return head.head, "locative"
    return None


def _trip(trigger: Token) -> Token | None:
    """The journey an act was the purpose or the sequel of: "flew to Cairo *to meet* X",
    "visited Kyiv *and pledged* aid" take place where the journey went."""
    head = trigger.head
    if trigger.dep_ in ("conj", "advcl", "xcomp") and head.i != trigger.i and \
            head.pos_ == "VERB" and head.lemma_.lower() in MOVEMENT:
        return head
    return None


def scene(m: Mention) -> bool:
    """A locative that opens the sentence and sets the scene of all it tells ("In Georgia,
    the parties announced they would boycott ...")."""
    head = _phrase_head(m)
    prep = head.head
    if head.dep_ != "pobj" or prep.lower_ not in LOCATIVE - WEAK_LOCATIVE:
        return False
    sent = prep.sent
    first = next((t for t in sent if not t.is_punct and not t.is_space), None)
    return first is not None and first.i == prep.i and prep.head.dep_ == "ROOT" and any(
        t.text == "," for t in prep.doc[head.i + 1:prep.head.i])


def event_mentions(trigger: Token, mentions: list[Mention],
                   clause: Token | None = None) -> list[tuple[int, str, Mention]]:
    """The mentions that place the event of `trigger` (or, further, of the `clause` verb
    whose place it shares): (distance, how, mention), nearest first."""
    nodes = _clause_nodes(trigger)
    own = {trigger.i}  # what a place may be the object or modifier of
    trip = _trip(trigger)
    if trip is not None:
        own.add(trip.i)
    for verb in (clause, trip):
        if verb is not None:
            for i, d in _clause_nodes(verb).items():
                nodes.setdefault(i, d + 1)
    out = []
    for m in mentions:
        anchor = _anchor(m)
        if anchor is None:
            continue
        tok, how = anchor
        if how in ("modifier", "object") and tok.i not in own:
            continue
        if tok.i in nodes:
            out.append((nodes[tok.i], how, m))
    return sorted(out, key=lambda x: (x[0], x[2].start))
