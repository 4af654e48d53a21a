from django import template

register = template.Library()


@register.filter
def distance(metres: float) -> str:
    """850 米 / 1.2 公里: what people say, not raw metres."""
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} 米"
    return f"{metres / 1000:.1f} 公里"
