from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AdminUserRead")


@_attrs_define
class AdminUserRead:
    """
    Attributes:
        id (UUID):
        email (str):
        is_active (bool):
        is_admin (bool):
        created_at (datetime.datetime):
    """

    id: UUID
    email: str
    is_active: bool
    is_admin: bool
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        email = self.email

        is_active = self.is_active

        is_admin = self.is_admin

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "is_active": is_active,
                "is_admin": is_admin,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        email = d.pop("email")

        is_active = d.pop("is_active")

        is_admin = d.pop("is_admin")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        admin_user_read = cls(
            id=id,
            email=email,
            is_active=is_active,
            is_admin=is_admin,
            created_at=created_at,
        )

        admin_user_read.additional_properties = d
        return admin_user_read

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
