package runnel

// The root tests load named time zones (Europe/Paris, Asia/Tokyo, …); the
// embedded database keeps them working on machines without system tzdata.
import _ "time/tzdata"
