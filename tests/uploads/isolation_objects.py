from types import SimpleNamespace

from marketplace.models import Service
from tests.isolation import shop_object
from uploads.models import UploadFeed, UploadRun


def _service(shop):
    service, _ = Service.objects.get_or_create(shop=shop, marketplace="amazon_us")
    return service


@shop_object("run_id")
def run(shop):
    # A live run with a file and a feed: cancel, resend and the downloads
    # all have something to act on.
    upload = UploadRun.objects.create(
        shop=shop,
        service=_service(shop),
        state=UploadRun.State.PROCESSING,
        files=[
            {
                "name": "AmazonUpload_1.txt",
                "path": "uploads/x/AmazonUpload_1.txt",
                "loader": "Inventory Loader",
                "rows": 1,
            }
        ],
    )
    feed(shop, upload)
    return upload


@shop_object("feed_id")
def feed(shop, upload=None):
    if upload is None:
        upload = UploadRun.objects.create(
            shop=shop, service=_service(shop), state=UploadRun.State.FAILED
        )
    return UploadFeed.objects.create(
        run=upload,
        shop=shop,
        sequence=upload.feeds.count() + 1,
        content_type="application/json; charset=UTF-8",
        path="uploads/x/AmazonListings_1.json",
        map_path="uploads/x/AmazonListings_1.messages.tsv",
        report={"summary": {"messagesProcessed": 1}},
    )


@shop_object("file_name")
def file_name(shop):
    """Not an object: the name of a run's file, valid for any run above."""
    return SimpleNamespace(public_id="AmazonUpload_1.txt")
