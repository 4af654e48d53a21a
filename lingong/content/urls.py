from django.urls import path

from . import views, views_manage

app_name = "content"
urlpatterns = [
    path("articles/", views.article_list, name="list"),
    path("articles/<str:code>/", views.article_detail, name="detail"),
    path("articles/<str:code>/files/<str:file_code>/", views.attachment, name="attachment"),
    path("manage/content/", views_manage.manage, name="manage"),
    path("manage/content/new/", views_manage.article_new, name="new"),
    path("manage/content/categories/", views_manage.categories, name="categories"),
    path("manage/content/<str:code>/edit/", views_manage.article_edit, name="edit"),
    path("manage/content/<str:code>/publish/", views_manage.publish, name="publish"),
    path("manage/content/<str:code>/files/", views_manage.upload, name="upload"),
    path(
        "manage/content/<str:code>/files/<str:file_code>/delete/",
        views_manage.remove_file,
        name="remove_file",
    ),
]
