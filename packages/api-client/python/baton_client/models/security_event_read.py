from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.security_event_read_detail import SecurityEventReadDetail


T = TypeVar("T", bound="SecurityEventRead")


@_attrs_define
class SecurityEventRead:
    """One entry of the account's security log. Never contains a token or a password.

    Attributes:
        id (int):
        type_ (str): sign_in, sign_in_failed, refresh_token_reused, session_ended, password_changed, rate_limited, …
        created_at (datetime.datetime):
        ip_address (None | str):
        session_id (None | UUID):
        detail (SecurityEventReadDetail):
    """

    id: int
    type_: str
    created_at: datetime.datetime
    ip_address: None | str
    session_id: None | UUID
    detail: SecurityEventReadDetail
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_

        created_at = self.created_at.isoformat()

        ip_address: None | str
        ip_address = self.ip_address

        session_id: None | str
        if isinstance(self.session_id, UUID):
            session_id = str(self.session_id)
        else:
            session_id = self.session_id

        detail = self.detail.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "created_at": created_at,
                "ip_address": ip_address,
                "session_id": session_id,
                "detail": detail,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.security_event_read_detail import SecurityEventReadDetail  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        type_ = d.pop("type")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_ip_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip_address = _parse_ip_address(d.pop("ip_address"))

        def _parse_session_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                session_id_type_0 = UUID(data)

                return session_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        session_id = _parse_session_id(d.pop("session_id"))

        detail = SecurityEventReadDetail.from_dict(d.pop("detail"))

        security_event_read = cls(
            id=id,
            type_=type_,
            created_at=created_at,
            ip_address=ip_address,
            session_id=session_id,
            detail=detail,
        )

        security_event_read.additional_properties = d
        return security_event_read

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
