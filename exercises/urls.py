from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("", views.exercise_list, name="list"),
    path("figure-preview.json", views.figure_preview, name="figure_preview"),
    path("<slug:slug>/", views.exercise_detail, name="detail"),
    path("<slug:slug>/figure.png", views.figure_png, name="figure_png"),
    path("<slug:slug>/figure.css", views.figure_css, name="figure_css"),
]
