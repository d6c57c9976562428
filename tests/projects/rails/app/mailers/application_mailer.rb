class ApplicationMailer < ActionMailer::Base
  default from: "Trailhead Coffee Roasters <hello@trailheadcoffee.example>"
  layout "mailer"
end
