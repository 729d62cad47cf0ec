from payments import services
from payments.models import Contribution


def start_checkout(
    member, *, amount_minor: int = 1500, kind: str = "one_time", nonce: str = "t"
) -> Contribution:
    return services.contribution_checkout_start(
        member=member, amount_minor=amount_minor, kind=kind, nonce=nonce
    )
