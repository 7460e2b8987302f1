"""The pain map, read-only: `{% pain_map assessment.pain_regions %}` draws a stored selection on the body diagram."""

from collections.abc import Iterable, Mapping

from django import template
from django.utils.safestring import SafeString

from patients import pain_map as diagram

register = template.Library()


@register.simple_tag
def pain_map(regions: Iterable[Mapping[str, str]] | None) -> SafeString:
    return diagram.render_readonly(regions)
