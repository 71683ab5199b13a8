from django.urls import path, re_path

from surveys.views import bank, preview, privacy, questionnaires, staff, xlsform
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
    path("manage/waves/<int:pk>/reminders/", staff.wave_reminders, name="wave-reminders"),
    re_path(r"^manage/waves/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx)$", staff.wave_export, name="wave-export"),
    path("manage/waves/<int:pk>/paper/", staff.paper_entry, name="paper"),
    # The questionnaire editor (surveys.views.questionnaires) and its preview of the resident pages.
    path("manage/questionnaires/", questionnaires.questionnaire_list, name="editor-list"),
    path("manage/questionnaires/new/", questionnaires.questionnaire_new, name="editor-questionnaire-new"),
    path("manage/questionnaires/versions/<int:pk>/", questionnaires.version_edit, name="editor-version"),
    path("manage/questionnaires/versions/<int:pk>/copy/", questionnaires.version_copy, name="editor-copy"),
    path("manage/questionnaires/versions/<int:pk>/questions/new/", questionnaires.question_new, name="editor-new"),
    path(
        "manage/questionnaires/versions/<int:pk>/questions/from-bank/",
        questionnaires.question_from_bank,
        name="editor-from-bank",
    ),
    path("manage/questionnaires/questions/<int:pk>/", questionnaires.question_edit, name="editor-question"),
    path("manage/questionnaires/questions/<int:pk>/answers/", questionnaires.question_options, name="editor-options"),
    path("manage/questionnaires/questions/<int:pk>/move/", questionnaires.question_move, name="editor-move"),
    path("manage/questionnaires/questions/<int:pk>/remove/", questionnaires.question_remove, name="editor-remove"),
    path("manage/questionnaires/versions/<int:pk>/preview/<str:lang>/", preview.preview_start, name="editor-preview"),
    path(
        "manage/questionnaires/versions/<int:pk>/preview/<str:lang>/page/<int:number>/",
        preview.preview_page,
        name="editor-preview-page",
    ),
    path(
        "manage/questionnaires/versions/<int:pk>/preview/<str:lang>/end/",
        preview.preview_end,
        name="editor-preview-end",
    ),
    # The question bank and XLSForm in and out (surveys.views.bank, surveys.views.xlsform).
    path("manage/questionnaires/bank/", bank.bank_list, name="bank"),
    path("manage/questionnaires/bank/new/", bank.bank_item_new, name="bank-new"),
    path("manage/questionnaires/xlsform/", xlsform.xlsform_page, name="xlsform"),
    path("manage/questionnaires/versions/<int:pk>/xlsform.xlsx", xlsform.xlsform_download, name="xlsform-download"),
]
