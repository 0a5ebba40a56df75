"""API schemas for skills: separate input and output shapes."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from qiao.skills.services import LABEL_MAX


class SkillAliasOut(Schema):
    text: str
    language: str


class SkillOut(Schema):
    id: int
    code: str
    label: str
    label_en: str
    label_zh: str
    labels: dict[str, str]
    broader: str | None
    domain: str | None
    aliases: list[SkillAliasOut]
    description: str
    description_zh: str
    uri: str
    is_active: bool

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.label())

    @staticmethod
    def resolve_broader(obj: Any) -> str | None:
        return obj.broader.code if obj.broader_id else None

    @staticmethod
    def resolve_domain(obj: Any) -> str | None:
        return obj.domain.code if obj.domain_id else None

    @staticmethod
    def resolve_aliases(obj: Any) -> list[Any]:
        return list(obj.aliases.all())


class SkillDetailOut(SkillOut):
    broader_chain: list[str] = Field(description="Codes of the ancestors, top-level first.")
    narrower: list[str] = Field(description="Codes of the narrower skills.")

    # The API view loads both through the selectors and sets them on the skill.
    @staticmethod
    def resolve_broader_chain(obj: Any) -> list[str]:
        return list(obj.broader_chain_codes)

    @staticmethod
    def resolve_narrower(obj: Any) -> list[str]:
        return list(obj.narrower_codes)


class SkillIn(Schema):
    code: str = Field(..., min_length=1, max_length=64)
    label_en: str = Field(..., min_length=1, max_length=LABEL_MAX)
    label_zh: str = Field("", max_length=LABEL_MAX)
    broader: str | None = Field(None, max_length=64, description="Code of the broader skill.")
    aliases: list[str] = Field(default_factory=list, max_length=500)
    description: str = Field("", max_length=20000)
    description_zh: str = Field("", max_length=20000)
    uri: str = Field("", max_length=300)
    is_active: bool = True


class SkillPatch(Schema):
    """Only the fields sent change. `aliases`, when sent, replaces the stored aliases;
    `broader: null` makes the skill a top-level domain. The code never changes."""

    label_en: str | None = Field(None, min_length=1, max_length=LABEL_MAX)
    label_zh: str | None = Field(None, max_length=LABEL_MAX)
    broader: str | None = Field(None, max_length=64)
    aliases: list[str] | None = Field(None, max_length=500)
    description: str | None = Field(None, max_length=20000)
    description_zh: str | None = Field(None, max_length=20000)
    uri: str | None = Field(None, max_length=300)
    is_active: bool | None = None


class SkillFilterIn(Schema):
    q: str | None = Field(None, max_length=100)
    domain: str | None = Field(None, max_length=64, description="Code of a top-level skill.")
    has_aliases: str | None = Field(None, pattern="^(yes|no)$")


class SkillCandidateOut(Schema):
    skill_id: int
    code: str
    label: str
    confidence: float = Field(..., ge=0, le=1)
    matched_on: str = Field(..., description='"code", "label", "alias" or "fuzzy"')


class SkillMatchGroupOut(Schema):
    text: str
    candidates: list[SkillCandidateOut]
