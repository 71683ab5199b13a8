from django.urls import path, re_path

from surveys.views import privacy, staff
from surveys.views.resident import answering, entry, review

app_name = "surveys"

urlpatterns = [
    path("", entry.start, name="start"),
    path("w/<slug:slug>/", entry.wave_start, name="wave-start"),
    path("open/<slug:slug>/", entry.open_start, name="open"),
    path("language/", entry.language, name="language"),
    path("privacy/", privacy.PrivacyNotice.as_view(), name="privacy"),
    path("page/<int:number>/", answering.page, name="page"),
    path("check/", answering.check, name="check"),
    path("done/", answering.done, name="done"),
    path("saved/", answering.saved, name="saved"),
    path("your-answers/", review.your_answers, name="your-answers"),
    path("withdraw/", review.withdraw, name="withdraw"),
    path("manage/", staff.wave_list, name="wave-list"),
    path("manage/waves/new/", staff.wave_new, name="wave-new"),
    path("manage/waves/<int:pk>/", staff.wave_detail, name="wave-detail"),
    path("manage/waves/<int:pk>/codes/", staff.wave_codes, name="wave-codes"),
    re_path(r"^manage/waves/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx)$", staff.wave_export, name="wave-export"),
    path("manage/waves/<int:pk>/paper/", staff.paper_entry, name="paper"),
]
