from django.urls import path, re_path

from . import views

urlpatterns = [
    path("o/<str:token>", views.offer_page, name="offer"),
    re_path(r"^o/(?P<token>[\w-]+)/(?P<answer>yes|no)$", views.offer_answer_page, name="offer-answer"),
]
