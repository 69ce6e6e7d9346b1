from django.urls import path, re_path

from . import musician_pages, offer_pages

urlpatterns = [
    path("o/<str:token>", offer_pages.offer_page, name="offer"),
    re_path(r"^o/(?P<token>[\w-]+)/(?P<answer>yes|no)$", offer_pages.offer_answer_page, name="offer-answer"),
    path("m/<str:token>", musician_pages.musician_page, name="musician-page"),
    path("m/<str:token>/settings", musician_pages.musician_settings_page, name="musician-settings"),
    path("m/<str:token>/s/<int:booking_id>", musician_pages.session_page, name="musician-session"),
    path("m/<str:token>/s/<int:booking_id>/drop", musician_pages.drop_out_page, name="musician-drop-out"),
    path("m/<str:token>/s/<int:booking_id>/ics", musician_pages.session_ics, name="musician-session-ics"),
    path("board/bookings/<int:booking_id>/remove", musician_pages.manager_remove_view, name="booking-remove-musician"),
    path("board/bookings/<int:booking_id>/answer", musician_pages.manager_answer_view, name="booking-answer-musician"),
]
