from django.urls import path, re_path

from . import offer_pages

urlpatterns = [
    path("o/<str:token>", offer_pages.offer_page, name="offer"),
    re_path(r"^o/(?P<token>[\w-]+)/(?P<answer>yes|no)$", offer_pages.offer_answer_page, name="offer-answer"),
]
