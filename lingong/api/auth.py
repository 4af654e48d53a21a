"""API authentication: bearer tokens for apps and partners, the session for the web pages."""

from ninja.security import HttpBearer, django_auth

from lingong.accounts.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        found = user_for_token(token)
        if found is None:
            return None
        user, api_token = found
        request.user = user
        request.api_token = api_token
        return user


bearer = BearerToken()
# Either a bearer token or a signed-in browser session (which also requires the CSRF token on writes).
token_or_session = [bearer, django_auth]
