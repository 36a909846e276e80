package wildix_test

import (
	"errors"
	"fmt"

	"github.com/wallboard/wallboard/wildix"
)

func Example() {
	secrets := [][]byte{[]byte("current-secret"), []byte("previous-secret")}
	body := []byte(`{"id":"it_q200001_2103","company":"it_q200001","time":1700000600123,` +
		`"type":"presence:telephony","integrationId":"t3stin",` +
		`"data":{"extension":"2103","email":"alan@example.org","status":"talking"}}`)
	signature := wildix.Sign([]byte("previous-secret"), body) // what the PBX sends in x-signature

	if !wildix.Verify(body, signature, secrets) {
		fmt.Println("bad signature")
		return
	}
	env, err := wildix.Decode(body)
	if err != nil {
		fmt.Println("rejected:", err)
		return
	}
	events, err := wildix.Translate(env)
	if errors.Is(err, wildix.ErrUnknownType) {
		fmt.Println("ignored:", err)
		return
	}
	if err != nil {
		fmt.Println("not understood:", err)
		return
	}
	for _, e := range events {
		fmt.Println(e.Company, e.At.Format("15:04:05.000"), e.Telephony.Extension, e.Telephony.Status)
	}
	// Output:
	// it_q200001 22:23:20.123 2103 talking
}
