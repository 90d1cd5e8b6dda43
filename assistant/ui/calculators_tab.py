"""The Calculators tab: one form per calculator, built from its input model; no LLM involved."""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Sequence
from typing import Any

import gradio as gr
from pydantic.fields import FieldInfo

from assistant.kb.loader import KnowledgeBase
from assistant.kb.schema import Lang
from assistant.tools.calc_base import field_meta
from assistant.tools.calculators import CALCULATORS, Calculator, CalculatorInputError, Defaults, run_calculator
from assistant.ui.charts import Chart, charts
from assistant.ui.i18n import Labels, t
from assistant.ui.render import calc_result, notice

_SERIES_SPLIT = re.compile(r"[,，;；\s]+")


def _label(calculator: Calculator, name: str) -> Callable[[Lang], str]:
    texts = field_meta(calculator.input_model, name, "label") or {"zh": name, "en": name}
    return lambda lang: texts[lang][:1].upper() + texts[lang][1:]


def _field_input(calculator: Calculator, name: str, field: FieldInfo, labels: Labels) -> gr.components.Component:
    """A form input for one model field: a choice list for literals, else free text ("20万", "15%")."""
    elem_id = f"tk-calc-{calculator.name}-{name}"
    choices = [c for c in typing.get_args(field.annotation) if c is not type(None)]
    literal = next((typing.get_args(c) for c in choices if typing.get_origin(c) is typing.Literal), None)
    label = _label(calculator, name)
    if literal:
        blank = lambda lang: [(t("calc.blank_choice", lang), ""), *((v, v) for v in literal)]  # noqa: E731
        return labels.make(gr.Dropdown, {"label": label, "choices": blank}, value="", elem_id=elem_id, min_width=180)
    if isinstance(field.default, str):  # a preset such as the currency: shown filled in
        return labels.make(gr.Textbox, {"label": label}, value=field.default, elem_id=elem_id, min_width=180)
    kind = field_meta(calculator.input_model, name, "kind")
    info = "calc.series" if kind == "series" else "calc.required" if field.is_required() else "calc.optional"
    return labels.make(gr.Textbox, {"label": label, "info": info}, elem_id=elem_id, min_width=180)


def form_args(calculator: Calculator, names: Sequence[str], values: Sequence[Any]) -> dict[str, Any]:
    """The filled-in fields as calculator arguments (blank ones left out so cited defaults apply)."""
    args: dict[str, Any] = {}
    for name, value in zip(names, values, strict=True):
        text = str(value).strip() if value is not None else ""
        if not text:
            continue
        kind = field_meta(calculator.input_model, name, "kind")
        args[name] = [v for v in _SERIES_SPLIT.split(text) if v] if kind == "series" else text
    return args


class CalculatorsTab:
    """A picker, the selected calculator's form, and its result with a chart where one helps."""

    def __init__(self, kb: KnowledgeBase, labels: Labels, lang: gr.Radio):
        self.kb = kb
        self.defaults = Defaults.from_entries(list(kb))
        labels.make(gr.Markdown, {"value": "calc.intro"}, elem_classes="tk-intro")
        first = next(iter(CALCULATORS))
        picker = labels.make(
            gr.Dropdown,
            {"label": "calc.pick", "choices": lambda lang: [(c.description[lang], c.name) for c in CALCULATORS.values()]},
            value=first,
            elem_id="tk-calc-pick",
        )
        forms: list[gr.Column] = []
        error = gr.HTML("", elem_id="tk-calc-error", render=False)
        result = gr.HTML("", elem_id="tk-calc-result", render=False)
        lines = [
            gr.LinePlot(visible=False, elem_id=elem_id, show_label=False, render=False, height=300)
            for elem_id in ("tk-calc-chart", "tk-calc-chart-2")
        ]
        bars = gr.BarPlot(visible=False, elem_id="tk-calc-bars", show_label=False, render=False, height=300)
        self.plots = [*lines, bars]
        for calculator in CALCULATORS.values():
            with gr.Column(visible=calculator.name == first, elem_id=f"tk-form-{calculator.name}") as form:
                names = list(calculator.input_model.form_fields())
                with gr.Row(equal_height=False):
                    inputs = [_field_input(calculator, n, f, labels) for n, f in calculator.input_model.form_fields().items()]
                run = labels.make(gr.Button, {"value": "calc.run"}, variant="primary", elem_id=f"tk-calc-run-{calculator.name}")
            run.click(self._runner(calculator, names), [lang, *inputs], [result, error, *self.plots], api_name=False)
            forms.append(form)
        for output in (error, result, *self.plots):  # below the forms
            output.render()
        picker.change(
            lambda name: [gr.update(visible=c == name) for c in CALCULATORS] + ["", ""] + self.placed([]),
            picker,
            [*forms, result, error, *self.plots],
            api_name=False,
        )

    def _runner(self, calculator: Calculator, names: list[str]) -> Callable[..., tuple[Any, ...]]:
        def compute(lang: Lang, *values: Any) -> tuple[Any, ...]:
            args = form_args(calculator, names, values)
            try:
                result = run_calculator(calculator.name, args, self.defaults)
            except CalculatorInputError as exc:
                return "", notice(exc.messages[lang], "error"), *self.placed([])
            drawn = charts(calculator.name, args, result, self.defaults, lang)
            return calc_result(result, lang, self.kb.get), "", *self.placed(drawn)

        return compute

    @staticmethod
    def placed(drawn: list[Chart]) -> list[Any]:
        """Updates for the two line plots and the bar plot: line charts fill the line plots in
        order, a bar chart the bar plot; the rest are hidden."""
        lines = [c for c in drawn if c.kind == "line"][:2]
        bars = [c for c in drawn if c.kind == "bar"][:1]
        slots = [*lines, *[None] * (2 - len(lines)), *(bars or [None])]
        return [
            gr.update(visible=False, value=None) if c is None else gr.update(
                visible=True, value=c.data, x=c.x, y=c.y, color=c.color, title=c.title, x_axis_format=c.x_format,
                y_axis_format=c.y_format, sort=c.order, x_title=c.x, y_title=c.y, y_lim=[0, None] if c.kind == "bar" else None,
            )  # bars start at zero
            for c in slots
        ]
