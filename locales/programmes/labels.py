"""What a condition is called, and why it reads as it does: a Label and a detail code in words.

A pack may name a condition itself (``label_zh`` / ``label_en``); otherwise the label's code
and figures are worded here. The document's own word for the operator (以上, 超过) is kept
for Chinese readers, in the place the document puts it (以上 and 以下 follow the number:
"5件以上"); other readers see the operator's sign.
"""

from __future__ import annotations

from typing import Any

from locales import DEFAULT, t

from .words import SIGN, fact_label, joined, number, unit

__all__ = ["label", "detail"]

#: the documents' words that follow their number ("5件以上", "10年以下")
FOLLOWS_NUMBER = ("以上", "以下")


def _word(params: dict[str, Any], lang: str) -> str:
    word = params.get("word")
    return word if word and lang == DEFAULT else SIGN[params["op"]]


def _worded(key: str, word: str, lang: str, **params: Any) -> str:
    return t(f"{key}_after" if word in FOLLOWS_NUMBER else key, lang, word=word, **params)


def label(lbl: Any, lang: str, catalog: Any) -> str:
    """A condition's name (a Label from a node, a line or a gap) in ``lang``; plain text."""
    own = lbl.own(lang)
    if own:
        return own
    code, p = lbl.code, lbl.params
    name = (lambda fact: fact_label(catalog, fact, lang))
    if code == "flag":
        return name(p["fact"])
    if code == "flag_not":
        return t("prog_label_flag_not", lang, label=name(p["fact"]))
    if code in ("all", "any"):
        return t(f"prog_label_{code}", lang)
    if code == "compare":
        return _worded("prog_label_compare", _word(p, lang), lang, label=name(p["fact"]),
                       each=t("prog_each_year", lang) if p.get("each") else "",
                       threshold=number(p["threshold"]) + unit(catalog, p["fact"], lang, tight=True))
    if code == "ratio":
        return _worded("prog_label_ratio", _word(p, lang), lang, num=name(p["num"]), den=name(p["den"]),
                       threshold=f"{p['threshold'] * 100:g}%")
    if code == "weighted":
        terms = t("prog_label_plus", lang).join(
            name(f) if w == 1 else t("prog_label_weight", lang, weight=number(w), label=name(f)) for f, w in p["terms"])
        return _worded("prog_label_weighted", _word(p, lang), lang, terms=terms,
                       threshold=number(p["threshold"]) + unit(catalog, p["terms"][0][0], lang, tight=True))
    if code == "tiers":
        return _worded("prog_label_tiers", _word(p, lang), lang, label=name(p["fact"]),
                       thresholds="/".join(number(x) for x in p["thresholds"]) + unit(catalog, p["fact"], lang, tight=True))
    if code == "waiver":
        return t("prog_label_waiver", lang, facts=t("prog_label_waiver_or", lang).join(name(f) for f in p["facts"]))
    if code == "scaled":
        return t("prog_label_scaled", lang, label=name(p["fact"]), factor=number(p["factor"]))
    if code == "manual":
        return t("prog_label_manual", lang, question=catalog.question(p["fact"], lang))
    raise KeyError(code)


def _percent(x: float, digits: str = ".2f") -> str:
    return f"{x * 100:{digits}}%"


def detail(line: Any, lang: str, catalog: Any) -> str | None:
    """Why a condition line reads as it does (its ``detail_code``) in ``lang``; None when it has none."""
    code, p = line.detail_code, dict(line.detail_params or {})
    if code is None:
        return None
    name = (lambda fact: fact_label(catalog, fact, lang))
    if code.startswith("tier_"):
        if lang == "en":  # the pack's tier labels, in English where it gives them
            p.update({k[:-3]: v for k, v in p.items() if k.endswith("_en") and v})
        p = {k: v for k, v in p.items() if not k.endswith("_en")}
    elif code.startswith("ratio_"):
        if "ratio" in p:
            p.update(ratio=_percent(p["ratio"]), op=SIGN[p["op"]], need=_percent(p["need"], "g"))
        if "num_fact" in p:
            p["num_label"] = name(p.pop("num_fact"))
        if "den_fact" in p:
            p["den_label"] = name(p.pop("den_fact"))
    elif code == "weighted_terms":
        p["terms"] = joined((t("prog_term_value", lang, label=name(f), value=t("prog_unknown", lang) if v is None else v)
                             for f, v in p["terms"]), lang)
    elif code == "waived":
        p["by"] = name(p["by"])
    elif code.startswith("scaled_"):
        source = p.pop("from_date", None)
        p["source"] = t("prog_scaled_from_date", lang, date_label=name(source)) if source else ""
    return t(f"prog_detail_{code}", lang, **{k: v if isinstance(v, str) else number(v) for k, v in p.items()})
