"""Back-office content pages: the list of articles in one's scope, writing, attachments, publishing, and
the categories (city admins)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lingong.lib.forms import apply_errors, error_messages

from . import services
from .access import article_for_editor, require_writer
from .forms import ArticleForm, CategoryForm, UploadForm
from .models import Article, ArticleStatus, Category


def _form(request, article: Article | None = None) -> ArticleForm:
    user = request.user
    return ArticleForm(
        request.POST or None,
        towns=services.allowed_towns(user),
        can_pin=user.is_city_admin or bool(user.admin_town_ids),
        article=article,
    )


@login_required
def manage(request):
    """The articles this person may edit, newest first, filtered by status."""
    require_writer(request)
    qs = Article.objects.editable_by(request.user).select_related("category", "town").order_by("-updated_at")
    status = request.GET.get("status", "")
    if status in ArticleStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    context = {"page": page, "statuses": ArticleStatus.choices, "status": status}
    return render(request, "content/manage.html", context)


@login_required
def article_new(request):
    require_writer(request)
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.save_article(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存草稿，可以上传附件，再发布")
            return redirect("content:edit", code=article.code)
    return render(
        request, "content/form.html", {"form": form, "article": None}, status=_status(request, form)
    )


def _status(request, form) -> int:
    return 400 if request.method == "POST" and form.errors else 200


@login_required
def article_edit(request, code: str):
    article, can_publish = article_for_editor(request, code)
    form = _form(request, article)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_article(actor=request.user, data=form.service_data(), article=article)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("content:edit", code=article.code)
    return _edit_page(request, article, can_publish, form=form, status=_status(request, form))


def _edit_page(request, article, can_publish, *, form=None, upload=None, status=200):
    context = {
        "form": form or _form(request, article),
        "upload": upload or UploadForm(),
        "article": article,
        "can_publish": can_publish,
        "attachments": article.attachments.all(),
    }
    return render(request, "content/form.html", context, status=status)


@login_required
@require_POST
def upload(request, code: str):
    article, can_publish = article_for_editor(request, code)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            saved = services.add_attachments(
                article, actor=request.user, files=form.cleaned_data["attachments"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已上传 {len(saved)} 个附件")
            return redirect("content:edit", code=article.code)
    return _edit_page(request, article, can_publish, upload=form, status=400)


@login_required
@require_POST
def remove_file(request, code: str, file_code: str):
    article, _ = article_for_editor(request, code)
    item = get_object_or_404(article.attachments.all(), code=file_code)
    services.remove_attachment(item, actor=request.user)
    messages.success(request, f"已删除附件：{item.original_name}")
    return redirect("content:edit", code=article.code)


@login_required
@require_POST
def publish(request, code: str):
    article, can_publish = article_for_editor(request, code)
    if not can_publish:
        raise PermissionDenied("只有市级管理员或本镇街管理员可以发布资讯")
    action = request.POST.get("action")
    try:
        if action == "unpublish":
            services.unpublish(article, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, "已撤下，公众不再能看到这篇资讯")
        else:
            services.publish(article, actor=request.user)
            messages.success(request, "已发布")
    except ValidationError as exc:
        for msgs in error_messages(exc).values():
            for msg in msgs:
                messages.error(request, msg)
    return redirect("content:edit", code=article.code)


@login_required
def categories(request):
    """栏目: the city office adds, renames and switches off topics."""
    user = request.user
    if not user.is_city_admin:
        raise PermissionDenied("只有市级管理员可以管理栏目")
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        target = Category.objects.filter(code=request.POST.get("code", "")).first()
        if "active" in request.POST and target is not None:
            services.set_category_active(target, actor=user, active=request.POST["active"] == "1")
            return redirect("content:categories")
        if form.is_valid():
            try:
                services.save_category(
                    actor=user,
                    name=form.cleaned_data["name"],
                    sort=form.cleaned_data["sort"] or 0,
                    category=target,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已保存栏目")
                return redirect("content:categories")
    context = {"form": form, "categories": Category.objects.all()}
    return render(request, "content/categories.html", context, status=_status(request, form))
