//! The staff side over HTTP against a real server: the login form, sessions, logout, CSRF,
//! throttled logins, API tokens, roles on every staff route, the audit log.

use disan_tests::{TestServer, config_with_web, cookie_value, hidden_csrf, set_cookies};
use disan_types::admin::{AuditPage, AuthMethod, Me, Role};
use disan_types::{ApiError, ErrorCode};

const PASSWORD: &str = "mật khẩu Mường Thanh 1954";

fn server() -> (TestServer, tempfile::TempDir) {
    let web = tempfile::tempdir().unwrap();
    let s = TestServer::start(config_with_web(web.path())).unwrap();
    s.add_user("lan", Role::Editor, PASSWORD);
    s.add_user("minh", Role::Admin, PASSWORD);
    (s, web)
}

/// GET `path` with a `Cookie` header; status, body and the `Cache-Control` header.
fn get(s: &TestServer, path: &str, cookie: &str) -> (u16, String, String) {
    let mut resp = s
        .plain_client()
        .get(&s.url(path))
        .header("cookie", cookie)
        .call()
        .unwrap();
    let cache = resp
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (
        resp.status().as_u16(),
        resp.body_mut().read_to_string().unwrap(),
        cache,
    )
}

fn error_of(body: &str) -> ErrorCode {
    serde_json::from_str::<ApiError>(body)
        .unwrap_or_else(|e| panic!("{e}: {body}"))
        .error
}

fn me(s: &TestServer, cookie: &str) -> Result<Me, ErrorCode> {
    let (status, body, _) = get(s, "/api/admin/me", cookie);
    if status == 200 {
        Ok(serde_json::from_str(&body).unwrap())
    } else {
        Err(error_of(&body))
    }
}

#[test]
fn staff_log_in_and_out_through_the_form() {
    let (s, _web) = server();
    // Not logged in: the page sends to the login form; the API says 401.
    let resp = s.plain_client().get(&s.url("/admin")).call().unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/admin/login?lang=vi");
    assert_eq!(me(&s, "").unwrap_err(), ErrorCode::Unauthenticated);

    // The form, in Vietnamese by default, with its CSRF cookie: HttpOnly and SameSite=Strict.
    let mut form = s.plain_client().get(&s.url("/admin/login")).call().unwrap();
    assert_eq!(form.status(), 200);
    let cookies = set_cookies(&form);
    let login_cookie = cookies
        .iter()
        .find(|c| c.starts_with("disan_login="))
        .unwrap();
    assert!(login_cookie.contains("HttpOnly"), "{login_cookie}");
    assert!(login_cookie.contains("SameSite=Strict"), "{login_cookie}");
    assert!(
        !login_cookie.contains("Secure"),
        "plain HTTP: {login_cookie}"
    );
    assert_eq!(form.headers()["cache-control"], "no-store");
    let html = form.body_mut().read_to_string().unwrap();
    assert!(
        html.contains("<html lang=\"vi\">") && html.contains("Đăng nhập"),
        "{html}"
    );
    assert!(html.contains(r#"autocomplete="current-password""#));
    assert!(!hidden_csrf(&html).is_empty());
    let (_, en, _) = get(&s, "/admin/login?lang=en", "");
    assert!(en.contains("Staff login") && en.contains("<html lang=\"en\">"));

    // The right name and password (typed with a capital, as phones do): a session.
    let (status, cookie) = s.try_login("Lan", PASSWORD);
    assert_eq!(status, 303);
    let cookie = cookie.expect("session cookie");
    let login = s.login("lan", PASSWORD);
    assert_ne!(login.cookie, cookie, "every login is a new session");
    let (status, html, cache) = get(&s, "/admin", &login.cookie);
    assert_eq!(status, 200, "{html}");
    assert_eq!(cache, "no-store");
    assert!(html.contains("lan") && html.contains("editor"), "{html}");
    assert!(html.contains("Chưa có hiện vật nào"), "empty state: {html}");
    let who = me(&s, &login.cookie).unwrap();
    assert_eq!(
        (who.name.as_str(), who.role, who.via),
        ("lan", Role::Editor, AuthMethod::Session)
    );
    assert_eq!(who.csrf.as_deref(), Some(login.csrf.as_str()));
    // The login page sends a logged-in user on.
    let (status, _, _) = get(&s, "/admin/login", &login.cookie);
    assert_eq!(status, 303);

    // Logging out needs the session's CSRF token, and the browser's origin must be ours.
    let logout = |csrf: &str, origin: Option<&str>| {
        let mut req = s
            .plain_client()
            .post(&s.url("/admin/logout"))
            .header("cookie", &login.cookie);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let mut resp = req.send_form([("csrf", csrf)]).unwrap();
        (
            resp.status().as_u16(),
            resp.body_mut().read_to_string().unwrap(),
        )
    };
    let (status, body) = logout("forged", None);
    assert_eq!((status, error_of(&body)), (403, ErrorCode::BadCsrf));
    let (status, body) = logout(&login.csrf, Some("http://evil.example"));
    assert_eq!(
        (status, error_of(&body)),
        (403, ErrorCode::BadCsrf),
        "{body}"
    );
    assert!(me(&s, &login.cookie).is_ok(), "still logged in");
    let own = format!("http://{}", s.addr);
    let (status, _) = logout(&login.csrf, Some(&own));
    assert_eq!(status, 303);
    assert_eq!(
        me(&s, &login.cookie).unwrap_err(),
        ErrorCode::Unauthenticated
    );
    // The other session is still live.
    assert!(me(&s, &cookie).is_ok());
}

#[test]
fn wrong_passwords_tell_nothing_and_forged_forms_log_nobody_in() {
    let (s, _web) = server();
    let attempt = |name: &str, password: &str| {
        let (status, cookie) = s.try_login(name, password);
        (status, cookie.is_some())
    };
    assert_eq!(attempt("lan", "not the password"), (401, false));
    assert_eq!(attempt("nobody", PASSWORD), (401, false));
    // The two answers are the same page (apart from the name typed and the form's secret).
    let page = |name: &str| {
        let agent = s.plain_client();
        let mut form = agent.get(&s.url("/admin/login")).call().unwrap();
        let c = cookie_value(&set_cookies(&form), "disan_login").unwrap();
        let csrf = hidden_csrf(&form.body_mut().read_to_string().unwrap());
        let html = agent
            .post(&s.url("/admin/login"))
            .header("cookie", &format!("disan_login={c}"))
            .send_form([
                ("name", name),
                ("password", "wrong password!"),
                ("csrf", &csrf),
            ])
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        html.replace(&hidden_csrf(&html), "")
            .replace(&format!(r#"value="{name}""#), "")
    };
    assert_eq!(page("lan"), page("nobody"));
    assert!(page("lan").contains("Sai tên đăng nhập hoặc mật khẩu"));

    // A login form posted from elsewhere (no form cookie, or another one) is refused.
    let forged = s
        .plain_client()
        .post(&s.url("/admin/login"))
        .send_form([("name", "lan"), ("password", PASSWORD), ("csrf", "x")])
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(cookie_value(&set_cookies(&forged), "disan_session").is_none());
    let forged = s
        .plain_client()
        .post(&s.url("/admin/login"))
        .header("cookie", "disan_login=aaaa")
        .send_form([("name", "lan"), ("password", PASSWORD), ("csrf", "bbbb")])
        .unwrap();
    assert_eq!(forged.status(), 403);
    // A malformed form is a 400 naming the problem, not a 500.
    let mut bad = s
        .plain_client()
        .post(&s.url("/admin/login"))
        .send_form([("password", PASSWORD)])
        .unwrap();
    assert_eq!(bad.status(), 400);
    let body = bad.body_mut().read_to_string().unwrap();
    assert_eq!(error_of(&body), ErrorCode::BadParameter);
    assert!(body.contains("name"), "{body}");
}

#[test]
fn the_sixth_wrong_password_is_throttled_even_with_the_right_one() {
    let (s, _web) = server();
    for i in 1..=5 {
        assert_eq!(s.try_login("lan", "guess number {i}").0, 401, "attempt {i}");
    }
    let agent = s.plain_client();
    let mut form = agent.get(&s.url("/admin/login")).call().unwrap();
    let c = cookie_value(&set_cookies(&form), "disan_login").unwrap();
    let csrf = hidden_csrf(&form.body_mut().read_to_string().unwrap());
    let mut resp = agent
        .post(&s.url("/admin/login"))
        .header("cookie", &format!("disan_login={c}"))
        .send_form([("name", "lan"), ("password", PASSWORD), ("csrf", &csrf)])
        .unwrap();
    assert_eq!(resp.status(), 429);
    let retry: i64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    assert!(cookie_value(&set_cookies(&resp), "disan_session").is_none());
    let html = resp.body_mut().read_to_string().unwrap();
    assert!(html.contains("Đăng nhập sai quá nhiều lần"), "{html}");
    // Per client address too: another account from the same address waits as well, and so
    // does a name that does not exist (no hint either way).
    assert_eq!(s.try_login("minh", PASSWORD).0, 429);
    assert_eq!(s.try_login("nobody", PASSWORD).0, 429);
}

#[test]
fn api_tokens_act_as_their_user_without_cookies() {
    let (s, _web) = server();
    let token = s.add_token("lan", "import-script");
    assert!(token.starts_with("disan_") && token.len() > 40, "{token}");
    let call = |auth: &str| {
        let mut resp = s
            .plain_client()
            .get(&s.url("/api/admin/me"))
            .header("authorization", auth)
            .call()
            .unwrap();
        let status = resp.status().as_u16();
        let challenge = resp.headers().get("www-authenticate").is_some();
        (status, resp.body_mut().read_to_string().unwrap(), challenge)
    };
    let (status, body, _) = call(&format!("Bearer {token}"));
    assert_eq!(status, 200, "{body}");
    let who: Me = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (who.name.as_str(), who.via, who.csrf),
        ("lan", AuthMethod::Token, None)
    );
    for wrong in [
        format!("Bearer {token}x"),
        "Bearer disan_0000".to_owned(),
        format!("Basic {token}"),
        "Bearer ".to_owned(),
    ] {
        let (status, body, challenge) = call(&wrong);
        assert_eq!(
            (status, error_of(&body)),
            (401, ErrorCode::Unauthenticated),
            "{wrong}"
        );
        assert!(challenge, "WWW-Authenticate with {wrong}");
    }
    // An editor's token cannot do what only admins may.
    let mut resp = s
        .plain_client()
        .get(&s.url("/api/admin/audit"))
        .header("authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(
        error_of(&resp.body_mut().read_to_string().unwrap()),
        ErrorCode::Forbidden
    );
}

#[test]
fn only_admins_read_the_audit_log_and_what_staff_typed_is_escaped() {
    let (s, _web) = server();
    let editor = s.login("lan", PASSWORD);
    let xss = "<script>alert(1)</script>";
    assert_eq!(s.try_login(xss, "whatever it is").0, 401);
    let admin = s.login("minh", PASSWORD);

    let (status, body, cache) = get(&s, "/api/admin/audit", &editor.cookie);
    assert_eq!((status, error_of(&body)), (403, ErrorCode::Forbidden));
    assert_eq!(cache, "no-store");
    let (status, html, _) = get(&s, "/admin/audit", &editor.cookie);
    assert_eq!(status, 403);
    assert!(html.contains("chỉ dành cho quản trị viên"), "{html}");
    let (status, html, _) = get(&s, "/admin", &editor.cookie);
    assert_eq!(status, 200);
    assert!(
        !html.contains("/admin/audit"),
        "editors get no link to the log"
    );

    let (status, body, _) = get(&s, "/api/admin/audit", &admin.cookie);
    assert_eq!(status, 200, "{body}");
    let log: AuditPage = serde_json::from_str(&body).unwrap();
    let actions: Vec<(&str, &str)> = log
        .entries
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [("minh", "login"), (xss, "login_failed"), ("lan", "login")],
        "newest first"
    );
    assert!(
        log.entries
            .iter()
            .all(|e| e.detail.starts_with("from 127.0.0.1"))
    );
    assert!(log.entries.windows(2).all(|w| w[0].at >= w[1].at));

    let (status, html, _) = get(&s, "/admin/audit?lang=en", &admin.cookie);
    assert_eq!(status, 200);
    assert!(
        html.contains("Audit log") && html.contains("login_failed"),
        "{html}"
    );
    assert!(!html.contains(xss), "typed text is escaped: {html}");
    assert!(
        html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"),
        "{html}"
    );

    // Paging: one entry at a time, newest first, to the end.
    let mut seen = vec![];
    let mut path = "/api/admin/audit?limit=1".to_owned();
    loop {
        let (_, body, _) = get(&s, &path, &admin.cookie);
        let page: AuditPage = serde_json::from_str(&body).unwrap();
        seen.extend(page.entries.iter().map(|e| e.id));
        match page.next_before {
            Some(b) => path = format!("/api/admin/audit?limit=1&before={b}"),
            None => break,
        }
    }
    assert_eq!(seen, log.entries.iter().map(|e| e.id).collect::<Vec<_>>());
    let (status, body, _) = get(&s, "/api/admin/audit?limit=many", &admin.cookie);
    assert_eq!(
        (status, error_of(&body)),
        (400, ErrorCode::BadParameter),
        "{body}"
    );
}

#[test]
fn sessions_expire_and_end_when_the_account_is_disabled() {
    let web = tempfile::tempdir().unwrap();
    let mut config = config_with_web(web.path());
    config.session_ttl = "2s".parse().unwrap();
    let s = TestServer::start(config).unwrap();
    s.add_user("lan", Role::Editor, PASSWORD);
    s.add_user("hoa", Role::Editor, PASSWORD);
    let login = s.login("lan", PASSWORD);
    assert!(me(&s, &login.cookie).is_ok());
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert_eq!(
        me(&s, &login.cookie).unwrap_err(),
        ErrorCode::Unauthenticated
    );
    let (status, _, _) = get(&s, "/admin", &login.cookie);
    assert_eq!(
        status, 303,
        "an expired session goes back to the login form"
    );

    let login = s.login("hoa", PASSWORD);
    let token = s.add_token("hoa", "script");
    let db = disan_tests::block(disan_server::db::Db::open(&s.state.config.database)).unwrap();
    disan_tests::block(disan_server::accounts::disable(&db, "hoa")).unwrap();
    assert_eq!(
        me(&s, &login.cookie).unwrap_err(),
        ErrorCode::Unauthenticated
    );
    let resp = s
        .plain_client()
        .get(&s.url("/api/admin/me"))
        .header("authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(s.try_login("hoa", PASSWORD).0, 401);
}

#[test]
fn admins_add_and_disable_accounts_from_the_users_page() {
    let (s, _web) = server();
    let admin = s.login("minh", PASSWORD);
    let editor = s.login("lan", PASSWORD);
    let (status, body, cache) = get(&s, "/admin/users?lang=en", &editor.cookie);
    assert_eq!((status, error_of(&body)), (403, ErrorCode::Forbidden));
    assert_eq!(cache, "no-store");
    let (status, html, _) = get(&s, "/admin/users?lang=en", &admin.cookie);
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Staff accounts") && html.contains("lan") && html.contains("editor"));
    let post = |path: &str, form: &[(&str, &str)]| {
        let mut resp = s
            .plain_client()
            .post(&s.url(path))
            .header("cookie", &admin.cookie)
            .send_form(form.iter().copied())
            .unwrap();
        (
            resp.status().as_u16(),
            resp.body_mut().read_to_string().unwrap(),
        )
    };
    // A new account: it can log in at once.
    let (status, html) = post(
        "/admin/users?lang=en",
        &[
            ("csrf", &admin.csrf),
            ("name", "hoa"),
            ("role", "editor"),
            ("password", "mật khẩu của Hoa"),
        ],
    );
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("The account was added"), "{html}");
    assert_eq!(s.try_login("hoa", "mật khẩu của Hoa").0, 303);
    // Bad input is said on the page and changes nothing; a forged form is refused.
    for (name, password, says) in [
        (
            "Hoa Nguyen",
            "long enough password",
            "not a valid user name",
        ),
        ("thu", "short", "too short"),
        ("lan", "long enough password", "already exists"),
    ] {
        let (status, html) = post(
            "/admin/users?lang=en",
            &[
                ("csrf", &admin.csrf),
                ("name", name),
                ("role", "editor"),
                ("password", password),
            ],
        );
        assert_eq!(status, 422, "{name}: {html}");
        assert!(html.contains(says), "{name}: {html}");
    }
    let (status, _) = post(
        "/admin/users",
        &[
            ("csrf", "forged"),
            ("name", "eve"),
            ("role", "admin"),
            ("password", "long enough password"),
        ],
    );
    assert_eq!(status, 403);
    assert_eq!(s.try_login("eve", "long enough password").0, 401);
    // Disabling: the editor's session ends at once; an admin cannot disable themself.
    assert!(me(&s, &editor.cookie).is_ok());
    let (status, _) = post("/admin/users/lan/disable", &[("csrf", &admin.csrf)]);
    assert_eq!(status, 303);
    assert_eq!(
        me(&s, &editor.cookie).unwrap_err(),
        ErrorCode::Unauthenticated
    );
    let (status, html) = post(
        "/admin/users/minh/disable?lang=en",
        &[("csrf", &admin.csrf)],
    );
    assert_eq!(status, 409, "{html}");
    assert!(me(&s, &admin.cookie).is_ok());
    let (_, log, _) = get(&s, "/api/admin/audit", &admin.cookie);
    let log: AuditPage = serde_json::from_str(&log).unwrap();
    let actions: Vec<(&str, &str, &str)> = log
        .entries
        .iter()
        .filter(|e| e.action.starts_with("user_"))
        .map(|e| (e.actor.as_str(), e.action.as_str(), e.detail.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("minh", "user_disable", "lan"),
            ("minh", "user_add", "hoa (editor)")
        ]
    );
}

#[test]
fn behind_a_trusted_proxy_each_client_address_is_throttled_apart() {
    // Without the setting, X-Forwarded-For is ignored: anyone could forge it.
    let (s, _web) = server();
    for i in 1..=5 {
        let from = format!("203.0.113.{i}");
        assert_eq!(
            s.try_login_via(&format!("nobody{i}"), "x", Some(&from)).0,
            401
        );
    }
    assert_eq!(
        s.try_login_via("nobody6", "x", Some("198.51.100.7")).0,
        429,
        "one peer, throttled whatever the header says"
    );

    // Behind a proxy on loopback: the address the proxy forwards for is the client.
    let web = tempfile::tempdir().unwrap();
    let mut config = config_with_web(web.path());
    config.trusted_proxies = "127.0.0.1, ::1".parse().unwrap();
    let s = TestServer::start(config).unwrap();
    let forwarded = "198.51.100.7, 203.0.113.9";
    for i in 1..=5 {
        let name = format!("nobody{i}");
        assert_eq!(s.try_login_via(&name, "x", Some(forwarded)).0, 401);
    }
    // The same client (the last address before the proxy) waits; another does not.
    assert_eq!(s.try_login_via("nobody6", "x", Some("203.0.113.9")).0, 429);
    assert_eq!(s.try_login_via("nobody7", "x", Some("203.0.113.10")).0, 401);
}
