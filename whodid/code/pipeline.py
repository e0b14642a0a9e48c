"""The coder as a pipeline of named stages.

A sentence stage is a function `stage(ctx, candidates) -> candidates`: it gets the sentence
context (`whodid.code.context.SentenceContext`: the spaCy sentence, its index, the document
memory and state, the lexicon and the actor resolver) and the candidates the earlier stages
produced for that sentence, and returns the candidates the later stages will see. It may
change candidates, add new ones (`ctx.new_candidate(token, "ASSAULT", source="my model")`
for a token no lexicon entry matched), remove them, or mark them `dropped` (with a reason)
or `absorbed`, which keeps them visible to later stages but out of the output. After the
last stage the coder writes out the candidates that are `live`, in list order.

A document stage, `stage(doc_ctx, candidates) -> candidates`, runs once all sentences are
coded, on the live candidates of the whole document (e.g. a learned layer that wants the
whole text).

Register a stage under a name and add it to a coder:

    @register_stage("no_protests")
    def no_protests(ctx, cands):
        return [c for c in cands if c.event != "PROTEST"]

    coder = Coder()
    coder.add_stage("no_protests", after="finish")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from whodid.code.candidate import Candidate
from whodid.code.context import DocumentContext, SentenceContext

SentenceStage = Callable[[SentenceContext, list[Candidate]], list[Candidate]]
DocumentStage = Callable[[DocumentContext, list[Candidate]], list[Candidate]]

SENTENCE_STAGES: dict[str, SentenceStage] = {}
DOCUMENT_STAGES: dict[str, DocumentStage] = {}

# The built-in order (whodid.code.stages says what each stage does). The rules alone, and
# with the learned layer (whodid.learn.stage) deciding on their events before the coder
# remembers the sentence.
RULE_STAGES = ("triggers", "governors", "actors", "desire", "topics", "recipients", "embed",
               "complete_recipients", "finish", "speech", "merge", "remember")
DEFAULT_STAGES = (*RULE_STAGES[:-1], "learned", RULE_STAGES[-1])
# Once the sentences are coded: where each event happened (whodid.places.stage).
DEFAULT_DOCUMENT_STAGES = ("places",)


def register_stage(name: str, *, document: bool = False) -> Callable[[Callable], Callable]:
    """Register a sentence stage (or, with `document=True`, a document stage) under a name, so
    that `Coder(stages=[...])` and `Coder.add_stage` can name it. A stage function may carry
    a `prepare()` attribute, called when a coder is built with it (to load weights once and
    fail early)."""
    registry: dict = DOCUMENT_STAGES if document else SENTENCE_STAGES

    def decorate(fn: Callable) -> Callable:
        if name in registry and registry[name] is not fn:
            raise ValueError(f"a {'document' if document else 'sentence'} stage named "
                             f"{name!r} is already registered")
        registry[name] = fn
        fn.stage_name = name  # type: ignore[attr-defined]
        return fn

    return decorate


def _named(stage: str | Callable, registry: dict, kind: str) -> tuple[str, Callable]:
    if isinstance(stage, str):
        if stage not in registry:
            raise KeyError(f"no {kind} stage named {stage!r}; registered: {sorted(registry)}")
        return stage, registry[stage]
    if not callable(stage):
        raise TypeError(f"a {kind} stage is a name or a function, got {stage!r}")
    return getattr(stage, "stage_name", getattr(stage, "__name__", repr(stage))), stage


class Pipeline:
    """An ordered list of named stages; names are unique within a pipeline."""

    def __init__(self, stages: Iterable[str | SentenceStage] = DEFAULT_STAGES,
                 document_stages: Iterable[str | DocumentStage] = ()) -> None:
        self.stages: list[tuple[str, SentenceStage]] = []
        self.document_stages: list[tuple[str, DocumentStage]] = []
        for stage in stages:
            self.add(stage)
        for stage in document_stages:
            self.add(stage, document=True)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.stages]

    def add(self, stage: str | Callable, *, before: str | None = None,
            after: str | None = None, document: bool = False) -> None:
        """Add a stage (a registered name or a function), at the end unless placed."""
        kind = "document" if document else "sentence"
        named = _named(stage, DOCUMENT_STAGES if document else SENTENCE_STAGES, kind)
        target = self.document_stages if document else self.stages
        names = [n for n, _ in target]
        if named[0] in names:
            raise ValueError(f"the pipeline already has a {kind} stage {named[0]!r}")
        if before is not None and after is not None:
            raise ValueError("give `before` or `after`, not both")
        anchor = before or after
        if anchor is None:
            target.append(named)
            return
        if anchor not in names:
            raise KeyError(f"no {kind} stage {anchor!r} in the pipeline: {names}")
        target.insert(names.index(anchor) + (after is not None), named)

    def remove(self, name: str, *, document: bool = False) -> None:
        target = self.document_stages if document else self.stages
        names = [n for n, _ in target]
        if name not in names:
            raise KeyError(f"no stage {name!r} in the pipeline: {names}")
        del target[names.index(name)]

    def run_sentence(self, ctx: SentenceContext,
                     candidates: Sequence[Candidate] = ()) -> list[Candidate]:
        """The sentence's candidates after every stage, live ones only."""
        cands = list(candidates)
        for _, stage in self.stages:
            cands = stage(ctx, cands)
        return [c for c in cands if c.live]

    def run_document(self, ctx: DocumentContext, candidates: list[Candidate]) -> list[Candidate]:
        cands = candidates
        for _, stage in self.document_stages:
            cands = [c for c in stage(ctx, cands) if c.live]
        return cands
