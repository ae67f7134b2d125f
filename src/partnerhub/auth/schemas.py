"""Wire models for the IAM-compatible auth endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Named(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str | None = None


class _User(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(max_length=64)
    password: str = Field(max_length=128)
    domain: _Named | None = None


class _Password(BaseModel):
    model_config = ConfigDict(extra="ignore")
    user: _User


class _Identity(BaseModel):
    model_config = ConfigDict(extra="ignore")
    methods: list[str]
    password: _Password


class _Auth(BaseModel):
    model_config = ConfigDict(extra="ignore")
    identity: _Identity
    scope: dict[str, object] | None = None


class TokenRequest(BaseModel):
    """The IAM password-login body.

    ``{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name", "password"}}}}}``
    """

    model_config = ConfigDict(extra="ignore")
    auth: _Auth


class DomainInfo(BaseModel):
    id: str
    name: str
    enabled: bool = True


class DomainsResponse(BaseModel):
    domains: list[DomainInfo]
