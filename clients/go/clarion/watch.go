package clarion

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	clarionv1 "github.com/clarionpush/clarion/clients/go/clarion/v1"
)

// StartCursorHeader is the initial metadata in which WatchReceipts says after which cursor
// the stream starts.
const StartCursorHeader = "clarion-start-cursor"

// WatchOptions tunes WatchReceipts; the zero value is fine.
type WatchOptions struct {
	// OnReconnect, when set, is called before each reconnection with the error that ended
	// the previous stream and the cursor the next one resumes after.
	OnReconnect func(err error, afterCursor int64)
	// MinBackoff and MaxBackoff bound the wait between reconnections (200 ms and 5 s).
	MinBackoff, MaxBackoff time.Duration
}

// WatchReceipts streams the receipts that request selects to handle, in cursor order, and
// keeps doing so across dropped connections and server restarts: each reconnection resumes
// after the last cursor handled (or where the first stream started, if none was), so
// nothing is missed and nothing is repeated. It returns when ctx ends (ctx.Err()), when
// handle returns an error (that error), or on an error that retrying cannot cure, such as
// codes.PermissionDenied or codes.OutOfRange (the status error).
func (c *Client) WatchReceipts(ctx context.Context, request *clarionv1.WatchReceiptsRequest,
	handle func(*clarionv1.Receipt) error, opts ...WatchOptions,
) error {
	var o WatchOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 200 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	req := proto.Clone(request).(*clarionv1.WatchReceiptsRequest)
	backoff := o.MinBackoff
	for {
		started, err := c.watchOnce(ctx, req, handle)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var handlerErr handlerError
		if errors.As(err, &handlerErr) {
			return handlerErr.err
		}
		if err != nil && !retryable(status.Code(err)) {
			return err
		}
		if started {
			backoff = o.MinBackoff
		}
		if o.OnReconnect != nil {
			o.OnReconnect(err, req.GetAfterCursor())
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		backoff = min(backoff*2, o.MaxBackoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

type handlerError struct{ err error }

func (h handlerError) Error() string { return h.err.Error() }

// watchOnce runs one stream until it fails, moving req's resume point forward as receipts
// arrive; started says whether the server accepted the stream (sent its headers).
func (c *Client) watchOnce(ctx context.Context, req *clarionv1.WatchReceiptsRequest,
	handle func(*clarionv1.Receipt) error,
) (started bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.Push.WatchReceipts(ctx, req)
	if err != nil {
		return false, err
	}
	// Header blocks until the server accepted the stream (or the stream failed).
	if header, err := stream.Header(); err == nil {
		started = true
		if cursor, ok := startCursor(header); ok {
			resumeAt(req, cursor)
		}
	}
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			// The server ended the stream (it never does on its own unless shutting down).
			return started, status.Error(codes.Unavailable, "receipts stream ended")
		}
		if err != nil {
			return started, err
		}
		if err := handle(msg.GetReceipt()); err != nil {
			return started, handlerError{err}
		}
		resumeAt(req, msg.GetReceipt().GetCursor())
	}
}

// resumeAt makes req continue after cursor (cursor 0: from the log's start).
func resumeAt(req *clarionv1.WatchReceiptsRequest, cursor int64) {
	if cursor > 0 {
		req.AfterCursor = cursor
	} else if req.GetAfterCursor() == 0 {
		req.Start = clarionv1.StartPosition_START_POSITION_EARLIEST
	}
}

func startCursor(header metadata.MD) (int64, bool) {
	values := header.Get(StartCursorHeader)
	if len(values) == 0 {
		return 0, false
	}
	cursor, err := strconv.ParseInt(values[0], 10, 64)
	return cursor, err == nil
}

// retryable: the codes a reconnection may cure (a dropped connection, a restarting or busy
// server). Bad requests, auth failures and a cursor out of range are the caller's to fix.
func retryable(code codes.Code) bool {
	switch code {
	case codes.Unavailable, codes.Unknown, codes.Internal, codes.Aborted,
		codes.ResourceExhausted, codes.DeadlineExceeded:
		return true
	}
	return false
}
