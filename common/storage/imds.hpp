// Temporary keys of the EC2 instance role, from the instance metadata service (IMDSv2: a session
// token first, then the role's credentials). Fetched once per run: they stay valid for hours.
#pragma once
#include <string>

#include "storage/credentials.hpp"

namespace mm::storage {

// `base` is the service's URL, http://169.254.169.254 on EC2.
Credentials fetch_instance_credentials(const std::string& base = "http://169.254.169.254");

}  // namespace mm::storage
