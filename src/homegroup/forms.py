"""Form plumbing every app's views share: the one way a form is drawn (`FormRenderer`), an
action's errors onto a form, and the status a rejected form answers with."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.forms import Form
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest


class FormRenderer(TemplatesSetting):
    """`{{ form }}` and `{{ field.as_field_group }}` everywhere draw through one pair of
    templates (templates/forms/): the same label, help text (with the id the input's
    aria-describedby names), hidden fields and error alerts on every page."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def attach_errors(
    form: Form,
    error: ValidationError,
    *,
    rename: Mapping[str, str | None] | None = None,
    prefix: str = "",
) -> None:
    """Put an action's validation errors on the form fields they name, else on the form.

    `rename` maps an action's names to the form's (None: show it on the form as a whole);
    `prefix` is added to every name, for forms that share a page.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        name = rename.get(key, key) if rename else key
        field = None if name is None else prefix + name
        form.add_error(field if field in form.fields else None, errors)


def form_status(request: HttpRequest, *forms: Form | None) -> int:
    """A rejected form answers 400, so clients and tests can tell it from a fresh page."""
    rejected = any(form is not None and form.errors for form in forms)
    return 400 if request.method == "POST" and rejected else 200
