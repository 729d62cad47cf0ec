"""/account/data/log.csv: the exercise log for a spreadsheet (listed on accounts' data page)."""

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from programs.services.data import export_csv_lines


@login_required
@require_GET
def data_csv(request):
    response = StreamingHttpResponse(
        export_csv_lines(member=request.user), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="backcore-log-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
