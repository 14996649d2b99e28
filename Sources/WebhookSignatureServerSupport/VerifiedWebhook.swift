#if Hummingbird || Vapor
#endif
