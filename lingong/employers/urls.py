from django.urls import path

from . import views

app_name = "employers"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("review/", views.review_list, name="review_list"),
    path("invite/<str:token>/", views.accept_invite, name="accept_invite"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/resubmit/", views.resubmit, name="resubmit"),
    path("<str:code>/members/", views.members, name="members"),
    path("<str:code>/review/", views.review, name="review"),
]
