"""Sign in with a phone number or a username."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import User


class PhoneOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        ident = username.strip()
        user = User.objects.filter(Q(username__iexact=ident) | Q(phone=ident)).order_by("id").first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing reveals nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
