Rails.application.routes.draw do
  resource :session, only: %i[new create destroy]
  resources :password_resets, only: %i[new create edit update], param: :token
  get "unsubscribe/:token", to: "subscriptions#unsubscribe", as: :unsubscribe
  resource :email_preferences, only: %i[edit update]
  resources :products, only: %i[index show]
end
