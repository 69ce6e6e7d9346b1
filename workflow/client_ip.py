"""Who is asking: the client's address, through the proxies we trust and no others.

Behind a reverse proxy every request comes from the proxy's address, so a lock-out by
address would lock every client out together (Dane too). With TRUST_PROXY_HEADERS on,
each of our PROXY_COUNT proxies appends the address it saw to X-Forwarded-For; what a
client wrote there itself sits further left and is never believed.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.TRUST_PROXY_HEADERS:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < settings.PROXY_COUNT:
        return remote  # it did not come through all our proxies: only the socket is sure
    return hops[-settings.PROXY_COUNT]
