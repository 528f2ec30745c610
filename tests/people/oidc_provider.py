"""A small OpenID Connect provider for the tests, on 127.0.0.1 in a thread.

Discovery, /authorize (consents at once and sends the browser back with a code), /token
(an RS256-signed id token, PKCE checked), /jwks and /userinfo. The test says who signs in
next (`provider.person = {...claims...}`), groups included.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "moments-test"
CLIENT_SECRET = "moments-test-secret"


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Provider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.person: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.server = make_server("127.0.0.1", 0, self.app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # Polled every 20 ms for shutdown, not serve_forever's default half second, which
        # each test's stop waited out.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> "Provider":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
        self.server.server_close()

    # -- WSGI --------------------------------------------------------------------------

    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        routes = {
            "/.well-known/openid-configuration": self.discovery,
            "/authorize": self.authorize,
            "/token": self.token,
            "/jwks": self.jwks,
            "/userinfo": self.userinfo,
        }
        if path not in routes:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        status, headers, body = routes[path](environ, query)
        start_response(status, headers)
        return [body]

    def _json(self, data: dict, status: str = "200 OK"):
        return status, [("Content-Type", "application/json")], json.dumps(data).encode()

    def discovery(self, environ, query):
        return self._json(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    def authorize(self, environ, query):
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**query, "person": dict(self.person)}
        back = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        return "302 Found", [("Location", back)], b""

    def token(self, environ, query):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        asked = self.codes.pop(form.get("code", ""), None)
        good_client = (form.get("client_id"), form.get("client_secret")) == (
            CLIENT_ID,
            CLIENT_SECRET,
        )
        if asked is None or not good_client or form.get("redirect_uri") != asked["redirect_uri"]:
            return self._json({"error": "invalid_grant"}, "400 Bad Request")
        verifier = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        challenge = base64.urlsafe_b64encode(verifier).rstrip(b"=").decode()
        if challenge != asked.get("code_challenge"):
            return self._json({"error": "invalid_grant"}, "400 Bad Request")
        person = asked["person"]
        now = int(time.time())
        claims = {
            **person,
            "iss": self.url,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": asked.get("nonce"),
        }
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "test-key"})
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = person
        return self._json(
            {"access_token": access_token, "id_token": id_token, "token_type": "Bearer"}
        )

    def jwks(self, environ, query):
        key = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return self._json({"keys": [{**key, "kid": "test-key", "alg": "RS256", "use": "sig"}]})

    def userinfo(self, environ, query):
        token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return self._json({"error": "invalid_token"}, "401 Unauthorized")
        return self._json(self.tokens[token])
