//go:build djangobridge

package runnel

// Exports for the Django test-suite bridge (djangobridge_test.go, package
// runnel_test), which runs Django's own template tests against runnel; see
// scripts/djangotests/README.md. Built only with -tags djangobridge.

// BridgeLibs returns djangoLibs by name: the stand-ins for the libraries of
// Django's template tests.
func BridgeLibs() map[string]*Library {
	e := &Engine{libs: map[string]*Library{}}
	for _, o := range djangoLibs() {
		o(e)
	}
	return e.libs
}

// BridgeObject returns the Go stand-in for an instance of one of the classes
// of tests/template_tests/utils.py, or false.
func BridgeObject(class string) (any, bool) {
	switch class {
	case "SomeClass":
		return newSomeClass(), true
	case "OtherClass":
		return djOtherClass{}, true
	case "TestObj":
		return djTestObj{}, true
	case "SilentAttrClass":
		return djSilentAttrClass{}, true
	case "SilentGetItemClass":
		return silentGetItem(), true
	case "UTF8Class":
		return djUTF8Class{}, true
	case "UnsafeClass":
		return djUnsafeClass{}, true
	case "SafeClass":
		return djSafeClass{}, true
	}
	return nil, false
}
