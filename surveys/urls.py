from django.urls import path, re_path

from surveys.views import privacy, resident, staff

app_name = "surveys"

urlpatterns = [
    path("", resident.start, name="start"),
    path("w/<slug:slug>/", resident.wave_start, name="wave-start"),
    path("open/<slug:slug>/", resident.open_start, name="open"),
    path("language/", resident.language, name="language"),
    path("privacy/", privacy.PrivacyNotice.as_view(), name="privacy"),
    path("page/<int:number>/", resident.page, name="page"),
    path("check/", resident.check, name="check"),
    path("done/", resident.done, name="done"),
    path("saved/", resident.saved, name="saved"),
    path("your-answers/", resident.your_answers, name="your-answers"),
    path("withdraw/", resident.withdraw, name="withdraw"),
    path("manage/", staff.wave_list, name="wave-list"),
    path("manage/waves/new/", staff.wave_new, name="wave-new"),
    path("manage/waves/<int:pk>/", staff.wave_detail, name="wave-detail"),
    path("manage/waves/<int:pk>/codes/", staff.wave_codes, name="wave-codes"),
    re_path(r"^manage/waves/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx)$", staff.wave_export, name="wave-export"),
    path("manage/waves/<int:pk>/paper/", staff.paper_entry, name="paper"),
]
