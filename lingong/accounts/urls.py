from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_otp

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/sms/", views.login_sms, name="login_sms"),
    path("otp/", views_otp.verify, name="otp_verify"),
    path("otp/setup/", views_otp.setup, name="otp_setup"),
    path("otp/admins/", views_otp.admins, name="otp_admins"),
    path("signup/", views.signup, name="signup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("large-text/", views.toggle_large_text, name="large_text"),
    path("tokens/", views.tokens, name="tokens"),
    path("audit/", views.audit_log, name="audit"),
]
