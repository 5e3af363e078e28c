"""The profile questions of /subscribe and /match as inline keyboards that edit one message.

The draft profile travels in the callback data itself (no server-side draft to lose between
replicas or expire): seven characters, `<stage><age><fields hex><region><receive><back>`, e.g.
`p-03b7f` = 예비, any age, fields 0 and 1, 충북 + 전국, all three kinds of alert, step by step.
A press is `<flow>:<draft>:<step>` (show the step) or `<flow>:<draft>:<step>:<choice>`, with
flow `sb` (subscribe: ends in 저장) or `mt` (match: ends in 결과 보기) — at most 18 bytes.

The draft is only the presser's own answers, so a forged one is no more than a choice; which chat
it applies to is never in the data (the handlers take the chat of the pressed message).
Keywords are not in the draft: saving keeps the chat's stored keywords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.alerts.fields import FIELD_LABELS_EN, FIELDS
from bot.alerts.models import AgeBand, Profile, Receive, RegionScope
from bot.alerts.prompts import flow_texts
from knowledge.catalogue.models import Stage

SUBSCRIBE, MATCH = "sb", "mt"
PATTERN = r"^(sb|mt):"
STEPS = {SUBSCRIBE: ["st", "ag", "fd", "rg", "rc"], MATCH: ["st", "ag", "fd", "rg"]}
SUMMARY, DONE = "sm", "ok"
CANCEL, STOP, ASK = "x", "stop", "ask"

FIELD_NAMES = list(FIELDS)  # bit i of the fields mask = FIELD_NAMES[i]
_STAGE = {"p": Stage.PRE, "e": Stage.EARLY, "g": Stage.GROWTH, "m": Stage.MATURE}
_AGE = {"u": AgeBand.UNDER_30, "3": AgeBand.THIRTIES, "4": AgeBand.FORTIES,
        "5": AgeBand.OVER_50}
_REGION = {"c": RegionScope.CHUNGBUK, "b": RegionScope.CHUNGBUK_NATIONAL}
_RECEIVE = [Receive.NEW, Receive.REMINDERS, Receive.DIGEST]  # bit i
_DRAFT = re.compile(r"^[pegm-][u345-][0-9a-f]{2}[cb][0-7][fs]$")
_DATA = re.compile(r"^(sb|mt):([^:]{7}):(st|ag|fd|rg|rc|sm|ok)(?::([a-z0-9-]))?$")


@dataclass
class Draft:
    profile: Profile
    back: bool = False  # a choice returns to the summary (changing one part) instead of on

    def code(self) -> str:
        p = self.profile
        stage = next((k for k, v in _STAGE.items() if v is p.stage), "-")
        age = next((k for k, v in _AGE.items() if v is p.age_band), "-")
        fields = sum(1 << i for i, name in enumerate(FIELD_NAMES) if name in p.fields)
        region = next(k for k, v in _REGION.items() if v is p.region)
        receive = sum(1 << i for i, kind in enumerate(_RECEIVE) if kind in p.receive)
        return f"{stage}{age}{fields:02x}{region}{receive}{'s' if self.back else 'f'}"

    @classmethod
    def parse(cls, code: str) -> Draft | None:
        if not _DRAFT.match(code):
            return None
        fields = int(code[2:4], 16)
        receive = int(code[5])
        return cls(Profile(stage=_STAGE.get(code[0]), age_band=_AGE.get(code[1]),
                           fields=[n for i, n in enumerate(FIELD_NAMES) if fields >> i & 1],
                           region=_REGION[code[4]],
                           receive=[k for i, k in enumerate(_RECEIVE) if receive >> i & 1]),
                   back=code[6] == "s")

    def with_profile(self, **changes: object) -> Draft:
        return Draft(self.profile.model_copy(update=changes), self.back)


@dataclass
class Press:
    flow: str
    draft: Draft
    step: str
    choice: str | None


def parse_press(data: str | None) -> Press | None:
    """A profile-question press, or None for anything else (forged, old, cancel/stop)."""
    m = _DATA.match(data or "")
    if m is None:
        return None
    draft = Draft.parse(m.group(2))
    if draft is None:
        return None
    return Press(m.group(1), draft, m.group(3), m.group(4))


def data(flow: str, draft: Draft, step: str, choice: str | None = None) -> str:
    tail = f":{choice}" if choice is not None else ""
    return f"{flow}:{draft.code()}:{step}{tail}"


# --- applying a press -------------------------------------------------------------------------
def apply(press: Press) -> tuple[Draft, str]:
    """The draft after the choice, and the step to show next."""
    draft, step, choice = press.draft, press.step, press.choice
    if choice is None or step in (SUMMARY, DONE):
        return draft, step
    p = draft.profile
    if step == "st":
        draft = draft.with_profile(stage=_STAGE.get(choice))
    elif step == "ag":
        draft = draft.with_profile(age_band=_AGE.get(choice))
    elif step == "rg" and choice in _REGION:
        draft = draft.with_profile(region=_REGION[choice])
    elif step == "fd":
        if choice == "n":
            return draft, after(press.flow, draft, step)
        if choice == "a":
            return draft.with_profile(fields=[]), step
        if choice.isdigit() and int(choice) < len(FIELD_NAMES):
            name = FIELD_NAMES[int(choice)]
            chosen = [f for f in p.fields if f != name] if name in p.fields else [
                *p.fields, name]
            return draft.with_profile(fields=[f for f in FIELD_NAMES if f in chosen]), step
        return draft, step
    elif step == "rc":
        if choice == "n":
            return draft, after(press.flow, draft, step)
        if choice.isdigit() and int(choice) < len(_RECEIVE):
            kind = _RECEIVE[int(choice)]
            chosen = [k for k in p.receive if k != kind] if kind in p.receive else [
                *p.receive, kind]
            return draft.with_profile(receive=[k for k in _RECEIVE if k in chosen]), step
        return draft, step
    return draft, after(press.flow, draft, step)


def after(flow: str, draft: Draft, step: str) -> str:
    steps = STEPS[flow]
    if draft.back or step not in steps or steps.index(step) == len(steps) - 1:
        return SUMMARY
    return steps[steps.index(step) + 1]


# --- what the founder sees --------------------------------------------------------------------
def field_label(name: str, language: str) -> str:
    return FIELD_LABELS_EN.get(name, name) if language == "en" else name


def profile_lines(profile: Profile, language: str, *, receive: bool = True) -> list[str]:
    """The profile, one part a line (HTML-safe: every value is one of our labels, keywords
    are escaped)."""
    import html

    t = flow_texts(language)
    lines = [
        f"• {t['p_st']}: {t[f'stage_{profile.stage}'] if profile.stage else t['any']}",
        f"• {t['p_ag']}: {t[f'age_{profile.age_band}'] if profile.age_band else t['any']}",
        f"• {t['p_fd']}: " + (", ".join(field_label(f, language) for f in profile.fields)
                              or t["fields_all"]),
        f"• {t['p_rg']}: {t[f'region_{profile.region}']}",
    ]
    if receive:
        lines.append(f"• {t['p_rc']}: " + (" · ".join(t[f"recv_{k}"] for k in profile.receive)
                                           or "-"))
    if profile.keywords:
        lines.append(f"• {t['p_kw']}: " + html.escape(", ".join(profile.keywords), quote=False))
    return lines


def _mark(on: bool, label: str) -> str:
    return f"✅ {label}" if on else label


def screen(flow: str, draft: Draft, step: str, language: str,
           keywords: list[str] | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """The message text and keyboard of one step (or the summary)."""
    t = flow_texts(language)
    p = draft.profile
    steps = STEPS[flow]
    head = t[f"title_{flow}"]
    rows: list[list[InlineKeyboardButton]] = []

    def button(label: str, target: str, choice: str | None = None,
               d: Draft | None = None) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=data(flow, d or draft, target, choice))

    if step == SUMMARY:
        shown = p.model_copy(update={"keywords": keywords or []})
        text = "\n".join([head, "", *profile_lines(shown, language, receive=flow == SUBSCRIBE),
                          "", t[f"q_sm_{flow}"]])
        edit = Draft(p, back=True)
        parts = [button(t[f"edit_{s}"], s, d=edit) for s in steps]
        rows = [parts[i:i + 3] for i in range(0, len(parts), 3)]
        rows.append([button(t["btn_save"] if flow == SUBSCRIBE else t["btn_go"], DONE),
                     InlineKeyboardButton(t["btn_cancel"], callback_data=f"{flow}:{CANCEL}")])
        return text, InlineKeyboardMarkup(rows)
    question = t["step"].format(n=steps.index(step) + 1, total=len(steps),
                                question=t[f"q_{step}"])
    if step == "st":
        options = [(k, t[f"stage_{v}"], p.stage is v) for k, v in _STAGE.items()]
        rows = [[button(_mark(on, label), step, k) for k, label, on in options[i:i + 2]]
                for i in (0, 2)]
        rows.append([button(_mark(p.stage is None, t["any"]), step, "-")])
    elif step == "ag":
        options = [(k, t[f"age_{v}"], p.age_band is v) for k, v in _AGE.items()]
        rows = [[button(_mark(on, label), step, k) for k, label, on in options[i:i + 2]]
                for i in (0, 2)]
        rows.append([button(_mark(p.age_band is None, t["any"]), step, "-")])
    elif step == "fd":
        names = [(i, field_label(n, language), n in p.fields) for i, n in enumerate(FIELD_NAMES)]
        rows = [[button(_mark(on, label), step, str(i)) for i, label, on in names[j:j + 2]]
                for j in range(0, len(names), 2)]
        rows.append([button(t["btn_clear"], step, "a"), button(t["btn_next"], step, "n")])
    elif step == "rg":
        rows = [[button(_mark(p.region is v, t[f"region_{v}"]), step, k)]
                for k, v in _REGION.items()]
    elif step == "rc":
        rows = [[button(_mark(k in p.receive, t[f"recv_{k}"]), step, str(i))]
                for i, k in enumerate(_RECEIVE)]
        rows.append([button(t["btn_next"], step, "n")])
    rows.append([InlineKeyboardButton(t["btn_cancel"], callback_data=f"{flow}:{CANCEL}")])
    current = "\n".join(profile_lines(p, language, receive=flow == SUBSCRIBE))
    return "\n".join([head, "", current, "", f"<b>{question}</b>"]), InlineKeyboardMarkup(rows)


def first_step(flow: str) -> str:
    return STEPS[flow][0]
