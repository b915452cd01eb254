package sse

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkPublish is the publish latency of one event to 10,000
// subscribers, with none or 1% of them stalled (never reading). Stalled
// subscribers are reset when their backlog fills; the others read every
// event; nobody is waited for, so the two should cost the same.
func BenchmarkPublish(b *testing.B) {
	for _, stalledPct := range []int{0, 1} {
		b.Run(fmt.Sprintf("subscribers=10000/stalled=%d%%", stalledPct), func(b *testing.B) {
			br := NewBroker(BrokerOptions{History: 16})
			var readers []*Subscription
			for i := range 10000 {
				s, _ := br.Subscribe([]string{"t"}, "")
				defer s.Close()
				if i%100 >= stalledPct {
					readers = append(readers, s)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			e := Event{Event: "row", Data: "<tr><td>42.00</td></tr>"}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				br.Publish("t", e)
				if i%32 == 31 { // the readers keep up, outside the timed publish
					b.StopTimer()
					for _, s := range readers {
						for {
							if _, ok := s.Next(ctx, nil); !ok {
								break
							}
						}
					}
					b.StartTimer()
				}
			}
		})
	}
}
