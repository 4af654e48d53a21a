"""Articles: who may write and publish, channels, keyword search, attachments, the public pages and API."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lingong.content import services
from lingong.content.models import Article, ArticleStatus, ArticleTerm, Attachment
from lingong.content.search import ArticleSearch, search_articles

pytestmark = pytest.mark.django_db

POLICY = {
    "kind": "policy",
    "category": "insurance",
    "title": "关于灵活就业人员社会保险补贴的通知",
    "summary": "就业困难人员灵活就业的，可申请社会保险补贴。",
    "body": (
        "一、补贴对象\n\n以灵活就业方式就业的就业困难人员。\n\n二、申领材料\n\n身份证、灵活就业登记材料。"
    ),
    "source": "中山市人力资源和社会保障局",
    "doc_number": "中人社发〔2023〕12号",
    "town": None,
    "channels": ["web", "kiosk"],
}


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_writing_publishing_channels_and_search(personas, categories):
    city, town_b, coord = personas.city_admin, personas.town_admin_b, personas.coordinator_a
    article = services.save_article(actor=city, data=POLICY)
    assert article.status == ArticleStatus.DRAFT and article.channels == ["web", "kiosk"]
    assert not ArticleTerm.objects.filter(article=article).exists()  # drafts are not searchable
    assert not search_articles(ArticleSearch(q="社保补贴")).exists()

    services.publish(article, actor=city)
    # jieba words of the title and body; a query word inside a longer word also finds it (社会保险 → 保险)
    for q in ["社会保险补贴", "灵活就业", "申领材料", "保险"]:
        assert list(search_articles(ArticleSearch(q=q))) == [article], q
    assert not search_articles(ArticleSearch(q="欠薪")).exists()
    assert list(search_articles(ArticleSearch(channel="kiosk"))) == [article]
    assert not search_articles(ArticleSearch(channel="led")).exists()
    assert list(search_articles(ArticleSearch(category="insurance", kind="policy"))) == [article]

    services.unpublish(article, actor=city, reason="政策已调整")
    assert not search_articles(ArticleSearch(q="灵活就业")).exists()
    assert not ArticleTerm.objects.filter(article=article).exists()

    # A town admin writes for their own town only, and may not touch the city's articles.
    with pytest.raises(ValidationError) as bad:
        services.save_article(actor=town_b, data=POLICY)  # town None = the whole city
    assert "本镇街" in str(bad.value)
    with pytest.raises(PermissionDenied):
        services.publish(article, actor=town_b)
    news = services.save_article(
        actor=town_b, data={**POLICY, "kind": "news", "title": "东区零工市场开业", "town": "442000002"}
    )
    services.publish(news, actor=town_b)

    # A coordinator drafts (for their station's town); only an admin publishes.
    case = services.save_article(
        actor=coord, data={**POLICY, "kind": "case", "title": "小榄驿站帮助梁伯再就业", "town": "442000118"}
    )
    with pytest.raises(PermissionDenied):
        services.publish(case, actor=coord)
    assert Article.objects.editable_by(coord).filter(pk=case.pk).exists()
    assert not Article.objects.editable_by(coord).filter(pk=news.pk).exists()

    # Bad input: Chinese messages, nothing saved.
    count = Article.objects.count()
    with pytest.raises(ValidationError) as bad:
        services.save_article(actor=city, data={**POLICY, "kind": "gossip", "title": "", "channels": []})
    errors = bad.value.message_dict
    assert set(errors) >= {"kind", "title", "channels"} and "请" in errors["title"][0]
    assert Article.objects.count() == count


def test_attachments(client, personas, categories, settings):
    city = personas.city_admin
    article = services.save_article(actor=city, data=POLICY)
    pdf = SimpleUploadedFile("通知.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    docx = SimpleUploadedFile("申请表.docx", docx_bytes(), content_type="application/octet-stream")
    saved = services.add_attachments(article, actor=city, files=[pdf, docx])
    assert [a.content_type.split("/")[-1][:8] for a in saved] == ["pdf", "vnd.open"]

    # A program renamed to .pdf, and a zip renamed to .docx, are refused; the good file with them is not
    # stored either (all or nothing).
    before = sorted(p.name for p in (settings.MEDIA_ROOT / "content").rglob("*"))
    evil = SimpleUploadedFile("政策.pdf", b"MZ\x90\x00program", content_type="application/pdf")
    fake = SimpleUploadedFile("表格.docx", b"PK\x03\x04 not really", content_type="application/octet-stream")
    good = SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    with pytest.raises(ValidationError) as bad:
        services.add_attachments(article, actor=city, files=[good, evil, fake])
    messages = bad.value.message_dict["attachments"]
    assert len(messages) == 2 and all("不是允许的文件类型" in m for m in messages)
    assert Attachment.objects.filter(article=article).count() == 2
    assert sorted(p.name for p in (settings.MEDIA_ROOT / "content").rglob("*")) == before

    settings.CONTENT_ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-" + b"0" * (1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError, match="超过 1 MB"):
        services.add_attachments(article, actor=city, files=[big])

    # The upload page says the same, with a 400, and saves nothing.
    client.force_login(city)
    response = client.post(f"/manage/content/{article.code}/files/", {"attachments": [evil]})
    assert response.status_code == 400 and "不是允许的文件类型" in response.content.decode()
    assert Attachment.objects.filter(article=article).count() == 2

    # Before publishing, attachments are for editors only; after, for everyone.
    url = f"/articles/{article.code}/files/{saved[0].code}/"
    client.logout()
    assert client.get(url).status_code == 404
    services.publish(article, actor=city)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    office = client.get(f"/articles/{article.code}/files/{saved[1].code}/")
    assert "attachment" in office["Content-Disposition"]


def test_pages_and_api(client, personas, categories):
    city = personas.city_admin
    client.force_login(city)
    response = client.post(
        "/manage/content/new/",
        {
            **{k: v for k, v in POLICY.items() if k not in ("town", "channels")},
            "town": "",
            "channels": ["web"],
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    response = client.post(f"/manage/content/{article.code}/publish/", {"action": "publish"})
    article.refresh_from_db()
    assert response.status_code == 302 and article.is_published
    # Bad form input: 400 with the messages, nothing saved.
    response = client.post("/manage/content/new/", {"kind": "policy", "title": "", "body": ""})
    page = response.content.decode()
    assert response.status_code == 400 and "请至少选择一个发布渠道" in page and "请填写标题" in page
    assert Article.objects.count() == 1
    client.logout()

    page = client.get("/articles/", {"q": "社会保险"}).content.decode()
    assert article.title in page
    assert client.get(f"/articles/{article.code}/").status_code == 200
    assert client.get("/articles/", {"kind": "gossip"}).status_code == 400

    body = client.get("/api/v1/articles", {"q": "灵活就业", "category": "insurance", "channel": "web"}).json()
    assert body["count"] == 1 and body["items"][0]["code"] == article.code
    assert body["items"][0]["url"].endswith(f"/articles/{article.code}/")
    assert client.get("/api/v1/articles", {"channel": "kiosk"}).json()["count"] == 0
    assert client.get("/api/v1/articles", {"channel": "tv"}).status_code == 422
    assert client.get("/api/v1/articles", {"category": "nope"}).status_code == 400
    detail = client.get(f"/api/v1/articles/{article.code}").json()
    assert "申领材料" in detail["body"]
