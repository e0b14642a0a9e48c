"""The learned layer as a pipeline stage: after the rules, a model trained on annotated news
decides which event types each sentence reports, keeps or drops the rules' events by it,
adds the events the rules missed, and chooses actors and recipients among the coded
mentions. Every decision it makes is written into the event's `why`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from spacy.tokens import Span, Token

from whodid.code import roles
from whodid.code.candidate import Candidate
from whodid.code.context import SentenceContext
from whodid.code.finish import NO_ACTOR, recode_by_status, set_aside_as_history
from whodid.code.pipeline import register_stage
from whodid.learn.features import (
    TRIGGER_POS,
    Mention,
    RuleEvent,
    SentenceView,
    actor_side,
    candidate_features,
    mention_features,
    mode_features,
    sentence_features,
    trigger_features,
)
from whodid.learn.model import EventModel, load_model
from whodid.learn.views import MentionTracker, tokens
from whodid.records import Entity

STATE_KEY = "learned"


def sentence_view(ctx: SentenceContext, cands: list[Candidate]) -> tuple[SentenceView,
                                                                        list[Entity]]:
    """The model's view of the sentence, with the Entity behind each mention."""
    tracker: MentionTracker = ctx.state.extras.setdefault(STATE_KEY, MentionTracker())
    sent = ctx.sent
    found = tracker.mentions(sent, lambda t: ctx.resolver.resolve(t, ctx.memory))
    mentions = [m for m, _ in found]
    rules = [_rule(c, sent) for c in cands if c.live]
    lexicon = [(c.token.i - sent.start, c.match.entry.event) for c in cands
               if not c.match.entry.synthetic]
    view = SentenceView(tokens(sent), mentions, rules, lexicon, ctx.sequence)
    return view, [e for _, e in found]


def _rule(cand: Candidate, sent: Span) -> RuleEvent:
    return RuleEvent(cand.event, cand.mode, cand.status, cand.token.i - sent.start,
                     tuple(sorted(cand.codes("actor"))), tuple(sorted(cand.codes("recipient"))),
                     cand.recipient_how)


def anchor(model: EventModel, view: SentenceView, label: int) -> int:
    """The token whose word weighs most for the type: the learned event's trigger."""
    return anchor_weight(model, view, label)[0]


def anchor_weight(model: EventModel, view: SentenceView, label: int) -> tuple[int, float]:
    """The trigger token for the type and how much its word weighs for it."""
    best, best_w = 0, -np.inf
    for k, tok in enumerate(view.toks):
        if tok.pos not in ("VERB", "NOUN", "ADJ", "PROPN"):
            continue
        w = model.types.weight(f"w={tok.lemma}", label) + model.types.weight(
            f"v={tok.lemma}", label)
        if w > best_w:
            best, best_w = k, w
    return best, float(best_w)


def choose_participants(model: EventModel, view: SentenceView, event: str, trigger: int,
                        rule: RuleEvent | None, reporters: frozenset[int] = frozenset()
                        ) -> tuple[int | None, int | None, float, float]:
    """Indexes into view.mentions of the actor and the recipient, with their probabilities.
    The recipient is another mention than the actor (it may share its country: police
    arresting their own citizens), and not one of the actor's side who reports the act ("Y
    did not fire on anyone, Y's spokesman said": `reporters`, the tokens of the speakers; a
    victim reporting it may be its target).
    Where the rules chose a coded participant, the model overrides it only when it is surer
    of another by `margin`."""
    if not view.mentions:
        return None, None, 0.0, 0.0
    feats = [mention_features(view, m, event, trigger, rule) for m in view.mentions]
    pa = model.actor.choice(feats)
    margin = model.settings.get("margin", 0.0)
    a = _best(pa, view, rule.actor if rule else (), margin, set())
    actor = frozenset([view.mentions[a].code])
    pr = model.recipient.choice([f + actor_side(m, event, actor)
                                 for m, f in zip(view.mentions, feats)])
    skip = {i for i, m in enumerate(view.mentions) if _span(m) == _span(view.mentions[a])
            or m.source == "sentence" and m.i in reporters and m.code in actor}
    r = _best(pr, view, rule.recipient if rule else (), margin, skip)
    return a, r, float(pa[a]), float(pr[r]) if r is not None else 0.0


def _best(p: np.ndarray, view: SentenceView, ruled: tuple[str, ...], margin: float,
          skip: set[int]) -> int | None:
    order = [int(i) for i in np.argsort(-p, kind="stable") if int(i) not in skip]
    if not order:
        return None
    kept = [i for i in order if view.mentions[i].code in ruled]
    if kept and p[order[0]] - p[kept[0]] <= margin:
        return kept[0]
    return order[0]


def _span(m: Mention) -> tuple[int, int]:
    return m.start, m.end


def _entity(ent: Entity, m: Mention, p: float, role: str) -> Entity:
    where = {"sentence": "", "previous": ", the last sentence's subject",
             "document": ", named earlier in the document"}[m.source]
    return Entity(ent.entity_text, ent.start, ent.end, ent.code, ent.sector, ent.name,
                  f"{ent.why}; model: {role} {p:.2f}{where}", ent.kind)


def status_features(view: SentenceView, trigger: int, event: str) -> list[str]:
    """Features for the status of an event: the trigger's own auxiliaries and negation, and
    the verbs above it (a say-verb makes it a claim, "deny" a denial)."""
    toks = view.toks
    a = toks[trigger]
    f = [f"t={event}", f"adep={a.dep}", f"apos={a.pos}"]
    for c in view.children[trigger]:
        ct = toks[c]
        if ct.dep in ("aux", "neg", "mark", "advmod", "amod", "det"):
            f.append(f"c={ct.dep}|{ct.lemma}")
    k = trigger
    for depth in range(3):
        h = toks[k].head
        if h == k:
            break
        f += [f"up{depth}={toks[k].dep}|{toks[h].lemma}", f"anc={toks[h].lemma}"]
        f += [f"hc={toks[c].dep}|{toks[c].lemma}" for c in view.children[h]
              if toks[c].dep in ("aux", "neg", "mark")]
        k = h
    if any(x.lemma in ("accord", "allegedly", "reportedly") for x in toks):
        f.append("hedge")
    f += [f"rule_status={r.status}" for r in view.rules if r.event == event]
    return f


def mode_label(event: str, mode: str | None) -> str:
    """The mode model's label: the type with its mode, "-" for none."""
    return f"{event}|{mode or '-'}"


def mode_guess(model: EventModel, view: SentenceView, k: int, event: str
               ) -> dict[str | None, float]:
    """The mode model's probability of each of the type's modes (None: no mode) for an event
    at token k that has no mode yet, renormalised over the type's own labels."""
    p = model.mode.proba(mode_features(view, k, event, None))
    prefix = f"{event}|"
    own = {label[len(prefix):]: float(q) for label, q in zip(model.mode.labels, p)
           if label.startswith(prefix)}
    total = sum(own.values()) or 1.0
    return {(None if m == "-" else m): q / total for m, q in own.items()}


def _remode(model: EventModel, view: SentenceView, cand: Candidate, k: int) -> None:
    """The mode model's mode for an event that has none: one the model brought in, or one
    whose lexicon entry gives no mode ("urged", "met"). A mode the rules set stays: their
    entry, or a user's trigger file, says what the word means."""
    if cand.mode is not None:
        return
    guess = mode_guess(model, view, k, cand.event)
    best = max(guess, key=guess.get) if guess else None
    if best is not None:  # None: the model reads no mode either
        cand.why.append(f"mode: model {best} {guess[best]:.2f}")
        cand.mode = best


def calibrated(model: EventModel, p: float) -> float:
    """The type probability mapped through the calibration fitted on held-out articles."""
    a, b = model.settings.get("calib_a", 1.0), model.settings.get("calib_b", 0.0)
    z = np.log(max(p, 1e-6) / max(1 - p, 1e-6))
    return round(float(1 / (1 + np.exp(-(a * z + b)))), 2)


def apply(model: EventModel, ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
    view, entities = sentence_view(ctx, cands)
    probs = model.types.proba(sentence_features(view))
    labels = model.types.labels
    index = {t: i for i, t in enumerate(labels)}
    keep, verify = model.settings["drop"], model.settings.get("verify", 0.0)
    live_types = set()
    for cand in cands:
        if not cand.live or cand.event not in index:
            continue
        p = float(probs[index[cand.event]])
        if p < keep:
            cand.dropped = f"model: {cand.event} {p:.2f} in this sentence"
            continue
        rule = _rule(cand, ctx.sent)
        pc = _candidate_p(model, view, rule.trigger, cand.event, rule, p)
        if pc < verify:
            cand.dropped = f"model: '{cand.token.text}' reports no {cand.event} here {pc:.2f}"
            continue
        live_types.add(cand.event)
        _participants(model, ctx, view, entities, cand, rule.trigger, rule)
        _restatus(model, ctx, view, cand, rule.trigger)
        _remode(model, view, cand, rule.trigger)
        cand.confidence = calibrated(model, p)
    live_types |= _revive(model, ctx, view, entities, cands, live_types,
                          dict(zip(labels, probs)))
    out = list(cands)
    # beside the rules' own events a sentence rarely holds another: a higher bar there
    add = model.settings["add"]
    if live_types:
        add = model.settings.get("add_beside", add)
    # what the rules looked at and set aside (a topic, a background participle)
    set_aside = {(c.token.i, c.event) for c in cands if not c.live}
    min_weight = model.settings.get("min_anchor", -np.inf)
    triggers = {c.token.i - ctx.sent.start for c in cands if c.live}
    # a sentence of several clauses, each with its own subject, has room for several acts:
    # beside the rules' events, one resting on the verb of another clause needs less
    clause_verbs = _clause_verbs(view)
    taken = set(live_types)  # the types the sentence has, with those added below
    clause_bar = add
    if live_types and len(clause_verbs) >= 2:
        clause_bar = min(add, model.settings.get("add_beside_clause", add))
    p_add, at = _with_triggers(model, view, probs)
    for label, event in enumerate(labels):
        p = float(p_add[label])
        if p <= clause_bar or event in live_types:
            continue
        # the event's word: the trigger model's best, else the word weighing most for the type
        k, weight = (int(at[label]), np.inf) if at is not None else anchor_weight(
            model, view, label)
        token = ctx.sent[k]
        if p <= add and k not in clause_verbs:
            continue
        if weight < min_weight:
            continue  # no word of the sentence speaks for the type: the evidence is diffuse
        if live_types and (view.toks[k].pos != "VERB" or k in triggers):
            # beside the rules' events another event needs a predicate of its own: a noun
            # the type rests on is mostly a participant or the topic of the rules' event
            continue
        if model.settings.get("respect_rules", 0) and (token.i, event) in set_aside:
            continue
        cand = ctx.new_candidate(
            token, event, source="model",
            why=f"model: trigger '{token.text}' -> {event} {p:.2f}")
        cand.confidence = calibrated(model, p)
        if _complete(model, ctx, view, entities, cand, k, taken):
            out.append(cand)
            taken.add(cand.event)
    return out


def _with_triggers(model: EventModel, view: SentenceView, probs: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray | None]:
    """The sentence's type probabilities for adding events: the sentence model's averaged
    with the trigger model's best word for each type (weight `tokens`), and that word for
    each type (None when no word of the sentence can be a trigger)."""
    w = model.settings.get("tokens", 0.0)
    ks = [k for k, t in enumerate(view.toks) if t.pos in TRIGGER_POS]
    if not w or not ks:
        return probs, None
    p_tok = model.triggers.proba_rows([trigger_features(view, k) for k in ks])
    return (1 - w) * probs + w * p_tok.max(axis=0), np.array(ks)[p_tok.argmax(axis=0)]


def _clause_verbs(view: SentenceView) -> set[int]:
    """The sentence's verbs that have a subject of their own."""
    return {t.head for t in view.toks if t.dep in ("nsubj", "nsubjpass")
            and view.toks[t.head].pos == "VERB"}


def _candidate_p(model: EventModel, view: SentenceView, k: int, event: str,
                 rule: RuleEvent | None, p_type: float) -> float:
    return float(model.candidates.proba(candidate_features(view, k, event, rule, p_type))[0])


def _revive(model: EventModel, ctx: SentenceContext, view: SentenceView,
            entities: list[Entity], cands: list[Candidate], live_types: set[str],
            p_types: dict[str, float]) -> set[str]:
    """Bring back the lexicon's triggers the rules set aside where the candidate model is
    sure they report an event (one per type, of a type the sentence does not have yet; a
    higher bar beside the rules' own events, as for added events). Returns the types
    revived."""
    bar = model.settings.get("revive", 1.0)
    if live_types:
        bar = model.settings.get("revive_beside", bar)
    best: dict[str, tuple[float, Candidate]] = {}
    for cand in cands:
        if (cand.live or cand.absorbed or cand.match.entry.synthetic
                or cand.event in live_types or cand.event not in model.types.labels):
            continue
        if cand.dropped != NO_ACTOR:
            # a topic, a background participle or a merged twin is the rules' reading of
            # the syntax, which the model overruled more often wrongly than rightly
            continue
        pc = _candidate_p(model, view, cand.token.i - ctx.sent.start, cand.event, None,
                          p_types[cand.event])
        if pc > bar and pc > best.get(cand.event, (0.0, cand))[0]:
            best[cand.event] = (pc, cand)
    revived = set()
    for event, (pc, cand) in best.items():
        reason, cand.dropped = cand.dropped, None
        cand.why.append(f"model: '{cand.token.text}' -> {event} {pc:.2f} "
                        f"(the rules had set it aside: {reason})")
        cand.confidence = calibrated(model, pc)
        if _complete(model, ctx, view, entities, cand, cand.token.i - ctx.sent.start,
                     live_types | revived):
            revived.add(cand.event)
    return revived


def _complete(model: EventModel, ctx: SentenceContext, view: SentenceView,
              entities: list[Entity], cand: Candidate, k: int, taken: set[str]) -> bool:
    """Participants, status and the codebook's recoding by status of an event the model
    brings in; False (and the candidate dropped) when it is history, when no coded mention
    can be its actor, or when recoded it is of a type the sentence has (`taken`)."""
    if set_aside_as_history(cand, ctx):  # the rules' own test
        return False
    _participants(model, ctx, view, entities, cand, k, None)
    if not cand.actors:
        cand.dropped = "model: no coded actor"
        return False
    cand.status, p = _status_guess(model, view, k, cand.event)
    cand.why.append(f"status: model {cand.status} {p:.2f}")
    _remode(model, view, cand, k)
    if ctx.lexicon.types[cand.event].quad == 4:
        # "will expel" is a threat, as for the rules' events; a cooperative act the model
        # reads as future stays (made AGREE, it cost PETRARCH-2 two events and news_dev)
        recode_by_status(cand, ctx)
    if cand.event in taken:
        cand.dropped = f"model: recoded {cand.event}, which the sentence has"
        return False
    return True


def _status_guess(model: EventModel, view: SentenceView, k: int, event: str
                  ) -> tuple[str, float]:
    """The status model's likeliest status for the event at token k, and its probability."""
    status_p = model.status.proba(status_features(view, k, event))
    return model.status.labels[int(np.argmax(status_p))], float(status_p.max())


def _restatus(model: EventModel, ctx: SentenceContext, view: SentenceView, cand: Candidate,
              k: int) -> None:
    """The status model's word on a rule event's status, taken when it is sure of another
    (`restatus`): the annotators' status follows who tells of the act ("rights groups
    said authorities arrested ..." is alleged), which the rules read only through an
    accusation or a denial. Only the rules' default is open to it: a status they read from
    the syntax (an accusation or a denial around the act, a negation, "will", "if") stays.
    An act of material conflict it would make future or conditional keeps the rules'
    status: the codebook codes that as a threat, a change of type this decision does not
    make."""
    bar = model.settings.get("restatus", 1.0)
    if bar >= 1.0 or cand.status != "asserted":
        return
    best, p = _status_guess(model, view, k, cand.event)
    if best == cand.status or p < bar:
        return
    if best in ("future", "hypothetical") and ctx.lexicon.types[cand.event].quad == 4:
        return
    if best in ("alleged", "denied"):
        verb = roles.speech_verb(cand.token, ctx.lexicon.speech_verbs)
        cand.claimant = ctx.resolve(roles.subject_heads(verb)) if verb is not None else []
    cand.why.append(f"status: model {best} {p:.2f} (the rules: {cand.status})")
    cand.status = best


def _participants(model: EventModel, ctx: SentenceContext, view: SentenceView,
                  entities: list[Entity], cand: Candidate, trigger: int,
                  rule: RuleEvent | None) -> None:
    a, r, pa, pr = choose_participants(model, view, cand.event, trigger, rule,
                                       _reporters(ctx, cand.token))
    # an actor the rules named but could not code gives way to the coded mention the model
    # likes best, unless it likes none (under `replace_uncoded`): the model chooses among
    # coded mentions alone. A group the text names by its kind ("rebels", "soldiers",
    # sector REB, MIL) is an agent of unknown country and gives way only to a surer choice
    # (`replace_uncoded_group`); a report, a decision or an unresolved pronoun is no agent
    group = any(e.sector for e in cand.actors)
    sure = model.settings.get("replace_uncoded_group" if group else "replace_uncoded", 1.0)
    if a is not None and view.mentions[a].code not in cand.codes("actor") and (
            not cand.actors or cand.codes("actor") or pa >= sure):
        cand.actors = [_entity(entities[a], view.mentions[a], pa, "actor")]
        cand.why.append(f"actor: model chose '{entities[a].entity_text}' {pa:.2f}")
    # a recipient the rules took from the discourse (a denial's accuser, named sentences
    # before) is outside what the model weighs, which is the syntax around the trigger; and
    # the recipient model's probability says which coded mention is likelier, not whether
    # any is, so one the rules found but could not code ("the rebels") stays
    from_discourse = rule is not None and rule.recipient and not rule.recipient_how
    if r is not None and not from_discourse and view.mentions[r].code not in cand.codes(
            "recipient") and (not cand.recipients or cand.codes("recipient")):
        cand.recipients = [_entity(entities[r], view.mentions[r], pr, "recipient")]
        cand.why.append(f"recipient: model chose '{entities[r].entity_text}' {pr:.2f}")


def _reporters(ctx: SentenceContext, token: Token) -> frozenset[int]:
    """The tokens (in the sentence) of whoever reports the act at `token`: the subjects of
    the say-verbs above it, however deep ("X said Y shelled Z", "Y's troops were put on
    alert, its ministry said")."""
    return frozenset(t.i - ctx.sent.start for verb in token.ancestors
                     if verb.pos_ == "VERB" and verb.lemma_ in ctx.lexicon.speech_verbs
                     for c in verb.children if c.dep_ == "nsubj" for t in c.subtree)


@register_stage("learned")
def learned(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
    """The shipped model's decisions on the rules' candidates (see the module doc)."""
    return apply(load_model(), ctx, cands)


learned.prepare = load_model  # type: ignore[attr-defined]


def collector(sink: Callable[[SentenceContext, SentenceView], None]):
    """A stage that hands each sentence's view to `sink` and changes nothing: how training
    sees exactly what the learned stage will see when coding."""
    def collect(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
        view, _ = sentence_view(ctx, cands)
        sink(ctx, view)
        return cands
    return collect
