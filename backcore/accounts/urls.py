from django.urls import path

from backcore.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("data/", views.data, name="data"),
    path("data/data.json", views.data_json, name="data_json"),
    path("data/data.zip", views.data_zip, name="data_zip"),
    path("delete/", views.account_delete, name="delete"),
]
