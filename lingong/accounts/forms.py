from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="用户名或手机号",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": "用户名/手机号或密码不正确。",
        "inactive": "该账号已停用。",
    }


class SmsLoginForm(forms.Form):
    phone = forms.CharField(
        label="手机号", max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class SignupForm(forms.Form):
    code = forms.CharField(
        label="短信验证码", max_length=6, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    display_name = forms.CharField(label="姓名/称呼", max_length=50)
    password = forms.CharField(
        label="设置密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 8 位",
    )


class OtpForm(forms.Form):
    code = forms.CharField(
        label="动态验证码",
        max_length=12,
        help_text="打开手机上的验证器应用，输入“中山零工市场”下显示的 6 位数字",
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
        error_messages={"required": "请输入动态验证码"},
    )
