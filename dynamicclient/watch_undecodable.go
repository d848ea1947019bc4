package dynamicclient

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/internal/cliutil"
)

// undecodableStream is the error of a watch stream that client-go could
// not decode (garbage, an event past readcap.MaxObjectBytes), which it reports as
// an Error event and ends; nil for any other event. The reflector would
// take it for an expired watch and list again, at once and forever: kdx
// stops watching the source instead, since a server that sent it once
// will send it again.
func undecodableStream(resource string, ev watch.Event) error {
	st, ok := ev.Object.(*metav1.Status)
	if ev.Type != watch.Error || !ok || st.Details == nil {
		return nil
	}
	for _, c := range st.Details.Causes {
		if c.Type == clientWatchDecoding {
			msg := strings.TrimPrefix(c.Message, "unable to decode an event from the watch stream: ")
			return fmt.Errorf("the server sent a watch stream of %s that cannot be decoded: %s", resource, cliutil.Cut(msg, 200))
		}
	}
	return nil
}

// clientWatchDecoding is the cause of client-go's Error event for a watch
// stream it could not decode.
const clientWatchDecoding = "ClientWatchDecoding"
