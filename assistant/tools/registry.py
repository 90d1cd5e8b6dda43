"""The agent's tools: `search_knowledge`, `check_policy` and every calculator (`ToolSpec`s, LangChain tools in the agent).

Tools never raise on bad arguments: they return `{"tool", "error": {"zh", "en"}, "fields"}`
so the model can read what to fix. Results are JSON-ready dicts (a `CalcResult` dump, or
a list of passages for search).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, Field, ValidationError

from assistant.engine.reading.named import format_named
from assistant.kb.rulings import Rulebook
from assistant.kb.schema import Entry, Format, Lang, Market
from assistant.tools.calc_base import Defaults, input_error
from assistant.tools.calculate import CALCULATE_TOOL, CalculateInput, calculate
from assistant.tools.calculators import CALCULATORS, Calculator, CalculatorInputError, run_calculator
from assistant.tools.spec import ToolError, ToolSpec

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

SEARCH_TOOL = "search_knowledge"
POLICY_TOOL = "check_policy"
CALCULATOR_TOOL = "calculator"
"""One schema for every calculator (`name` + `inputs`): what a language model is shown instead of
one tool per calculator, whose schemas cost about 15,000 prompt tokens on every round trip."""
MODEL_TOOLS = (SEARCH_TOOL, POLICY_TOOL, CALCULATE_TOOL, CALCULATOR_TOOL)
"""The tools a language model is offered; the offline engine calls the calculators by their own names."""

_NUMBERS_NOTE = (
    " Numbers may be JSON numbers or the seller's own text: \"20万\", \"1.5w\", \"3k\", \"$300\", \"300元\", "
    "\"15%\" (rates are fractions 0..1 or percentages), \"10-16\" (midpoint used). Leave out what the seller "
    "did not say: the tool fills cited defaults and lists them under `assumptions`. Quote `headline`, `steps` "
    "and `figures` as returned; never redo the arithmetic."
)

TOOL_GUIDES: dict[str, str] = {
    "gmv_from_views": (
        "Expected GMV from a number of views/impressions: GMV = views × GPM / 1000. Use for 'how much will 200k "
        "views sell?' / '20万播放能卖多少'. GPM defaults to the article's AI-video range 10-16 (midpoint 13, per "
        "1,000 impressions) and then also returns gmv_low/gmv_high. gpm_basis: 'impressions' (article) or 'views' "
        "(LIVE Watch GPM)."
    ),
    "views_for_target_gmv": (
        "Views/impressions needed to reach a GMV target at a GPM: views = target × 1000 / GPM. Use for 'how many "
        "views do I need for $10k?' / '想做1万美元要多少播放'. GPM defaults as in gmv_from_views."
    ),
    "compare_content_options": (
        "Compare AI video vs creator (affiliate) video vs own original video per video: cost (creator: fee + "
        "sample + commission on its GMV), expected GMV, GMV per unit of cost, cost per 1,000 of GMV, ranking. Use "
        "for 'is a $15 AI video better value than a $300 creator video?' / 'AI视频和达人视频哪个划算'. Defaults "
        "(cited): AI GPM 13, creator/original GPM 100, creator fee ~$200, commission 15%, AI cost = creator "
        "all-in / 20, original cost = 10× AI; views per video 10,000 (stated). It ignores account risk: pair "
        "with risk_adjusted_return when throttling matters."
    ),
    "risk_adjusted_return": (
        "Expected profit of an AI-video plan when the account may be throttled or lost, and the break-even "
        "probability of that happening. Use for 'what if my account gets throttled?' / '被限流怎么办, 还划算吗'. "
        "Give probability if the seller states one (else only the break-even probability is computed), "
        "margin, the plan (videos, views_per_video, gpm, cost_per_video) and account_replacement_cost."
    ),
    "implied_gmv_share": (
        "GMV share implied by AI videos' share of volume and two GPMs: s×g_ai / (s×g_ai + (1−s)×g_other). "
        "Defaults reproduce the article: 5% of videos at GPM 13 vs 100 → about 0.68% of GMV (consistent with "
        "its '<1%'), and the volume share the rumoured 10% would need. Use for questions on AI's real share."
    ),
    "plan_test_budget": (
        "Split a content budget into the article's three waves: AI videos to test products × scripts cheaply, "
        "creators to scale the winners, then own original content. Returns video counts and cost per wave. "
        "Use for 'I have $5k, how should I test?' / '预算5000美元怎么测品'. total_budget is required."
    ),
    "unit_economics": (
        "Per-order economics: price − product cost − shipping − referral fee (default 6% US, official) − "
        "affiliate commission − ad cost = profit; margin and break-even ROAS. Use for margins, ROAS and "
        "'can I afford 20% commission?'. price and product_cost are required. With a flat fee (and samples "
        "sent × sample cost): the orders needed to earn that one-off cost back."
    ),
    "referral_fee": (
        "The referral fee on the seller's sales: GMV × rate (default 6% US, official). Use for 'did $42k GMV, "
        "what's the referral fee?'. Give the seller's rate when they state one."
    ),
    "growth_rate": (
        "Growth of sales/GMV/views over n days (default 7, the article's product-selection window): total "
        "growth, compound daily growth, change per day. Give start_value and end_value, or a daily series."
    ),
    "creator_collab_return": (
        "One creator collaboration: flat fee, commission, samples, expected views and GPM → GMV, profit and "
        "break-even views. Use for 'is a $300 creator worth it at 15% commission?' / '达人坑位费值不值'. "
        "Defaults: fee ~$200, commission 15%, GPM 100, margin 30% (stated)."
    ),
    "gpm_from_sales": (
        "The seller's own GPM from results: GMV (or orders × price) and views (total, or views per video × videos "
        "× days), GPM = GMV / views × 1000, placed against the article's ranges (verdict Low/Normal/High; subject "
        "'ai', 'creator' or 'original'). Use for '30条视频12万播放出了18单，客单价19.9，GPM多少，正常吗'; with `gpm` alone "
        "it places a GPM the seller states ('AI视频GPM才6正常吗')."
    ),
    "total_gmv": (
        "GMV of many videos: views per video × videos (× days when videos is per day) × GPM / 1000, with cost and "
        "GMV per dollar when cost_per_video is given. Use for '80条，平均5k播放，GPM 9，一共卖多少' or 'a day for a month'."
    ),
    "roas": ("Ad ROAS = GMV (or orders × price) / ad spend (and ACOS); with orders, the ad cost per order; with margin, the "
             "break-even ROAS = 1 / margin, whether the ads pay and the profit after ads."),
    "period_change": "The change between two periods' figures (GMV, orders, views): after − before and the percentage.",
    "creator_deal": (
        "A creator deal on the sales it brought: commission = GMV (or orders × price) × rate, plus the flat fee, plus "
        "samples_sent × sample_cost (every sample sent costs, posted or not; `posted` gives the unused ones and the cost "
        "per posted video); its share of GMV (the margin needed to break even); with a margin, the profit."
    ),
    "gmv_per_cost": (
        "GMV per unit of cost of one kind of video from the seller's own figures: GMV / cost. Use for 'original videos "
        "sold $9,600 and cost $400, AI sold $3,900 and cost $20: which returns more?' (one call per kind)."
    ),
    "fee_or_commission": (
        "A creator's two offers: a flat fee (with fee_rate on top, 0 if none) or commission only (pure_rate). Cost of "
        "each = fee + orders × price × rate; the break-even order count = fee / (price × (pure_rate − fee_rate)); with "
        "orders, which costs less. Use for '$500 flat or 20% commission only, product $35, she did 60 orders'."
    ),
    "expected_loss": (
        "Expected GMV lost to throttling: probability × share of GMV cut × monthly GMV × months, and the loss if it "
        "happens. Use for '30% chance it cuts 60% of my $20k a month for 2 months'."
    ),
    "blended_gpm": (
        "Blended GPM of a mix: share of views from AI videos × AI GPM + the rest × the other GPM; with target_gmv, "
        "the views needed at that blend."
    ),
    "compare_per_dollar": (
        "Which earns more per dollar, AI or creator videos, from each one's cost, views and GPM per video; with a "
        "budget, the videos and GMV it buys in each. Use for 'AI $12, 6k views, GPM 11 vs creator $250, 40k, GPM 45: "
        "where should my $3,000 go?'."
    ),
    "order_profit": (
        "Profit per order from the price and the seller's margin (no product cost needed): price × (margin − "
        "commission) − ads per order, and the break-even ROAS 1 / (margin − commission)."
    ),
    "videos_for_budget": "How many whole AI and/or creator videos a budget buys: budget / cost per video for each.",
}


class SearchBackend(Protocol):
    """What `search_knowledge` needs: `assistant.kb.retrieve.Retriever` or any look-alike."""

    def relevant(
        self, query: str, k: int = 5, *, markets: Sequence[str] | None = None, topics: Sequence[str] | None = None,
        evidence: Sequence[str] | None = None,
    ) -> Sequence[Any]: ...  # fmt: skip


def _label(zh: str, en: str) -> dict[str, Any]:
    return {"label": {"zh": zh, "en": en}}


class SearchKnowledgeInput(BaseModel):
    query: str = Field(min_length=1, max_length=500, description="What to look up, in the seller's words (zh or en).",
                       json_schema_extra=_label("查询内容", "query"))  # fmt: skip
    k: int = Field(5, ge=1, le=10, description="How many passages to return.", json_schema_extra=_label("条数", "k"))
    market: Market | None = Field(None, description="Only entries for this market (GLOBAL entries always match).",
                                  json_schema_extra=_label("市场", "market"))  # fmt: skip
    topic: str | None = Field(None, max_length=40, description="Only entries with this topic, e.g. gpm, throttling, cost.",
                              json_schema_extra=_label("主题", "topic"))  # fmt: skip
    lang: Lang | None = Field(None, description="Return texts in one language; both when omitted.",
                              json_schema_extra=_label("语言", "lang"))  # fmt: skip


def passage(entry: Entry, score: float, lang: Lang | None = None, conflict_with: str | None = None) -> dict[str, Any]:
    """One retrieved entry as the model sees it: cite it by `id`, weigh it by `evidence`."""

    def pick(texts: Any) -> Any:
        return texts.get(lang) if lang else texts.model_dump()

    labels = {code: entry.evidence_label(code) for code in ("zh", "en")}
    return {
        "id": entry.id,
        "title": pick(entry.title),
        "evidence": entry.evidence,
        "evidence_label": labels[lang] if lang else labels,
        "text": pick(entry.text),
        "guidance": pick(entry.guidance),
        "score": round(float(score), 4),
        "source": entry.source.model_dump(mode="json"),
        "contradicted_by": list(entry.contradicted_by),
        "markets": list(entry.markets),
        "formats": list(entry.formats),
        "reviewed": entry.reviewed.isoformat(),
        "review_by": entry.review_by.isoformat(),
        "stale": entry.is_stale(),
        "conflict_with": conflict_with,
    }


def search_knowledge(
    retriever: SearchBackend, query: str, k: int = 5, market: str | None = None, topic: str | None = None,
    lang: Lang | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Passages above the relevance floor for `query`, best first, then the entries that contradict them."""
    hits = retriever.relevant(query, k, markets=[market] if market else None, topics=[topic] if topic else None)
    return [passage(hit.entry, hit.score, lang, getattr(hit, "conflict_with", None)) for hit in hits]


def _tool(name: str, description: str, model: type[BaseModel], call: Callable[[dict[str, Any]], Any]) -> ToolSpec:
    """A tool whose schema is `model`'s JSON schema; arguments reach `call` as given.

    The schema is the dict, not the class, so the model sees every field's full schema (numbers may
    be text) and validation happens once, in `call`."""
    return ToolSpec(name, description, model.model_json_schema(), call)


def calculator_tool(calculator: Calculator, defaults: Defaults) -> ToolSpec:
    """A calculator as a tool returning its `CalcResult` as a dict, or an error payload."""

    def call(args: dict[str, Any]) -> dict[str, Any]:
        try:
            return run_calculator(calculator.name, args, defaults).model_dump(mode="json")
        except CalculatorInputError as exc:
            raise ToolError(exc.payload(calculator.name)) from None

    return _tool(calculator.name, TOOL_GUIDES[calculator.name] + _NUMBERS_NOTE, calculator.input_model, call)


def search_tool(retriever: SearchBackend) -> ToolSpec:
    def call(args: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            query = SearchKnowledgeInput.model_validate(args)
        except ValidationError as exc:
            raise ToolError(input_error(exc, SearchKnowledgeInput, args).payload(SEARCH_TOOL)) from None
        return search_knowledge(retriever, query.query, query.k, query.market, query.topic, query.lang)

    description = (
        "Search the curated knowledge base on TikTok Shop and AI-generated video: the TT123 article's claims "
        "(anonymous insiders: GPM 10-16 vs 100+, <5% of videos, <1% of GMV, throttling), official platform "
        "rules, fees and playbooks. Returns passages with `id` (cite as [id]), `evidence` (how strong), "
        "`guidance` and `contradicted_by` (show both sides). Call it for every question before advising."
    )
    return _tool(SEARCH_TOOL, description, SearchKnowledgeInput, call)


class CheckPolicyInput(BaseModel):
    action: str = Field(min_length=1, max_length=500, description="What the seller wants to do, in their words (zh or en).",
                        json_schema_extra=_label("做法", "action"))  # fmt: skip
    market: Market | None = Field(None, description="The market the seller named (US when none is named).",
                                  json_schema_extra=_label("市场", "market"))  # fmt: skip
    format: Format | None = Field(None, description="short-video, LIVE or image; read from the action when omitted.",
                                  json_schema_extra=_label("形式", "format"))  # fmt: skip
    lang: Lang = Field("en", description="The seller's language.", json_schema_extra=_label("语言", "lang"))


def policy_tool(entries: Sequence[Entry]) -> ToolSpec:
    """`check_policy`: the rule clauses that govern what the seller wants to do, with the verdict when
    the match is strong."""
    book = Rulebook(entries)

    def call(args: dict[str, Any]) -> dict[str, Any]:
        try:
            query = CheckPolicyInput.model_validate(args)
        except ValidationError as exc:
            raise ToolError(input_error(exc, CheckPolicyInput, args).payload(POLICY_TOOL)) from None
        return book.rule_on(query.action, query.lang, query.market, query.format or format_named(query.action) or "short-video").as_payload()

    description = (
        "Rule on what a seller wants to do with AI content ('can I make the product look bigger with AI?', '要不要打AI标'), "
        "in the seller's own words. Returns `strength`: 'strong' with a `verdict` (allowed, label-required, restricted, "
        "banned): open the answer with it; 'weak' with no verdict: do not give a one-word answer, quote the nearest "
        "clause and say what the answer depends on (`condition`); 'none': no clause governs it, say so and do not invent "
        "a rule. `reach: true` is a question about reach or penalties: answer it with the official and insider sides, "
        "not as a ruling. Each clause in `rulings` has its `entry` (cite it), its own `evidence_label` (say it; an "
        "unverified clause is never official policy), `quote`, `penalty` and `instead`."
    )
    return _tool(POLICY_TOOL, description, CheckPolicyInput, call)


def calculate_tool() -> ToolSpec:
    """`calculate`: arithmetic over named quantities (tools/calculate.py), with its worked line."""

    def call(args: dict[str, Any]) -> dict[str, Any]:
        try:
            return calculate(args)
        except CalculatorInputError as exc:
            raise ToolError(exc.payload(CALCULATE_TOOL)) from None

    description = (
        "Work out any figure no calculator returns: views per video, a conversion rate, a share, a difference, a "
        "budget split, a cost ratio. Give the expression over named values and each value as the seller or a tool "
        "wrote it; it returns `result`, `shown` and the `worked` line (e.g. \"$396 ÷ 120,000 × 1,000 = 3.3\"). "
        "Use it for every number you derive yourself, then quote `shown` or `worked`."
    )
    return _tool(CALCULATE_TOOL, description, CalculateInput, call)


class CalculatorInput(BaseModel):
    name: str = Field(description="The calculator to run (one of those listed).", json_schema_extra={"enum": list(CALCULATORS)})
    inputs: dict[str, Any] = Field(default_factory=dict, description="Its inputs by name, as listed; leave out what the seller did not say.")


def _catalogue_line(calculator: Calculator) -> str:
    fields = calculator.input_model.form_fields()
    shown = [f"{n}*" if f.is_required() else n for n, f in fields.items() if n not in ("currency", "usd_cny")]
    return f"- {calculator.name}({', '.join(shown)}): {TOOL_GUIDES[calculator.name]}"


def calculator_group_tool(defaults: Defaults) -> ToolSpec:
    """Every calculator behind one schema: `{"name": ..., "inputs": {...}}`; the result is that calculator's."""

    def call(args: dict[str, Any]) -> dict[str, Any]:
        try:
            query = CalculatorInput.model_validate(args)
            return run_calculator(query.name, query.inputs, defaults).model_dump(mode="json")
        except ValidationError as exc:
            raise ToolError(input_error(exc, CalculatorInput, args).payload(CALCULATOR_TOOL)) from None
        except CalculatorInputError as exc:
            raise ToolError(exc.payload(str(args.get("name")))) from None

    catalogue = "\n".join(_catalogue_line(c) for c in CALCULATORS.values())
    description = ("Run one calculator by `name` with its `inputs` (* = required; amounts in US dollars unless marked "
                   "¥/元; `currency` and `usd_cny` are accepted by every calculator)." + _NUMBERS_NOTE + "\n" + catalogue)
    return _tool(CALCULATOR_TOOL, description, CalculatorInput, call)


def shown_call(name: str, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A grouped calculator call as the calculator it ran (its name and inputs); any other call as it is."""
    if name == CALCULATOR_TOOL and isinstance(args.get("name"), str) and isinstance(args.get("inputs", {}), dict):
        return args["name"], args.get("inputs", {})
    return name, args


def tool_specs(retriever: SearchBackend, defaults: Defaults, entries: Sequence[Entry] = ()) -> list[ToolSpec]:
    """`search_knowledge` first, then `check_policy` over `entries`, `calculate`, the grouped `calculator`,
    then one tool per calculator."""
    return [search_tool(retriever), policy_tool(entries), calculate_tool(), calculator_group_tool(defaults),
            *(calculator_tool(c, defaults) for c in CALCULATORS.values())]


def build_tools(specs: Sequence[ToolSpec]) -> list[BaseTool]:
    """The tools as the agent loop takes them."""
    return [spec.as_tool() for spec in specs]
