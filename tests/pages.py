"""A test client that checks every HTML page it fetches, and fills forms with their CSRF token."""

from collections import Counter

from bs4 import BeautifulSoup


class Page:
    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        self.soup = BeautifulSoup(self.html, "html.parser")

    @property
    def h1(self) -> str:
        return self.soup.h1.get_text(" ", strip=True)

    @property
    def title(self) -> str:
        return self.soup.title.get_text(" ", strip=True)

    def text(self) -> str:
        main = self.soup.find("main") or self.soup
        return " ".join(main.get_text(" ", strip=True).split())

    def error_summary(self) -> list[str]:
        summary = self.soup.select_one(".govuk-error-summary")
        return [a.get_text(strip=True) for a in summary.select("a")] if summary else []

    def links(self) -> dict[str, str]:
        return {a.get_text(" ", strip=True): a.get("href") for a in self.soup.select("a[href]")}

    def csrf_token(self) -> str | None:
        field = self.soup.select_one("main input[name=csrf_token]") or self.soup.select_one(
            "input[name=csrf_token]"
        )
        return field["value"] if field else None

    def check(self):
        """What every page must be: one h1, a title that starts with it, unique ids, forms with an action,
        every script carrying the CSP nonce, lang and dir on <html>."""
        assert len(self.soup.find_all("h1")) == 1, "exactly one h1"
        title = self.title.removeprefix("Error:").strip()
        for prefix in ("Error:", "Błąd:", "Eroare:", "خرابی:", "ਗਲਤੀ:"):
            title = title.removeprefix(prefix).strip()
        assert title.startswith(self.h1), f"title {self.title!r} starts with h1 {self.h1!r}"
        ids = [tag["id"] for tag in self.soup.find_all(id=True)]
        duplicates = [i for i, n in Counter(ids).items() if n > 1]
        assert not duplicates, f"duplicate ids {duplicates}"
        for form in self.soup.find_all("form"):
            assert form.get("action"), "every form has an action"
            assert form.has_attr("novalidate"), "every form has novalidate"
            if (form.get("method") or "get").lower() == "post":
                assert form.select_one("input[name=csrf_token]"), "every POST form has a CSRF token"
        nonce = self._nonce()
        for script in self.soup.find_all("script"):
            assert script.get("src"), "no inline scripts"
            assert script.get("nonce") == nonce, "scripts carry the CSP nonce"
        assert not self.soup.find(style=True), "no inline styles"
        assert not self.soup.find("style"), "no style elements"
        html = self.soup.html
        assert html.get("lang") and html.get("dir") in {"ltr", "rtl"}
        return self

    def _nonce(self) -> str:
        policy = self.response.headers["Content-Security-Policy"]
        return policy.split("'nonce-", 1)[1].split("'", 1)[0]


class Client:
    """Wraps Flask's test client: get() checks pages; submit() posts a form like a browser would."""

    def __init__(self, client):
        self.raw = client

    def get(self, path, expect=200, **kwargs) -> Page:
        response = self.raw.get(path, **kwargs)
        assert response.status_code == expect, f"GET {path}: {response.status_code}, expected {expect}"
        page = Page(response)
        if response.mimetype == "text/html" and response.status_code != 302:
            page.check()
        return page

    def submit(self, path, data, expect=None, follow=True, **kwargs) -> Page:
        """GET the form page, then POST the data with its CSRF token, following redirects."""
        form_page = Page(self.raw.get(path))
        token = form_page.csrf_token()
        response = self.raw.post(path, data={"csrf_token": token, **data}, follow_redirects=follow, **kwargs)
        if expect is not None:
            assert response.status_code == expect, f"POST {path}: {response.status_code}, expected {expect}"
        page = Page(response)
        if response.mimetype == "text/html" and response.status_code not in (301, 302, 303):
            page.check()
        return page

    def post(self, path, data=None, **kwargs):
        return self.raw.post(path, data=data or {}, **kwargs)

    def __getattr__(self, name):
        return getattr(self.raw, name)
